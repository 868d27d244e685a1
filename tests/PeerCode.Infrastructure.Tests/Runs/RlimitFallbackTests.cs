using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

/// <summary>The same hostile programs on a host without cgroups: rlimits alone must contain them.</summary>
public sealed class RlimitFallbackTests(SandboxFixture fx) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly BubblewrapSandbox _sandbox = new(SandboxFixture.WorkspaceRoot, useCgroups: false);
    public void Dispose() => _sandbox.Dispose();

    private Task<RunResult> Run(string language, string code, RunLimits? limits = null) =>
        new CodeRunner(_sandbox, fx.Catalogue, limits ?? SandboxFixture.Tight, RunRequestLimits.Default)
            .RunAsync(new RunRequest(language, code, "", []));

    [Fact]
    public async Task Without_cgroups_a_memory_bomb_meets_rlimit_as_and_gets_memory_limit()
    {
        var r = await Run("python", "a = []\nwhile True:\n    a.append(bytearray(8 << 20))\n", SandboxFixture.TightPatientWall);

        r.Verdict.Should().Be(RunVerdict.MemoryLimit, r.Detail + r.Stderr);
        r.PeakMemoryKb.Should().BeNull("nothing measures it without cgroups");
    }

    [Fact]
    public async Task Without_cgroups_a_fork_bomb_meets_rlimit_nproc_and_the_loop_meets_the_cpu_limit()
    {
        var r = await Run("c", "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n");

        r.Verdict.Should().Be(RunVerdict.TimeLimit, r.Detail);
        (await Run("python", "print('healthy')\n", SandboxFixture.TightPatientWall)).Stdout.Should().Be("healthy\n");
    }

    [Fact]
    public async Task Without_cgroups_sleeping_forever_is_killed_at_the_wall_clock_with_its_children()
    {
        var token = $"peercode-fallback-{Guid.NewGuid():N}";
        var r = await Run("python", $$"""
            import os, sys, time
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", "{{token}}"])
            time.sleep(60)
            """);

        r.Verdict.Should().Be(RunVerdict.TimeLimit);
        await Task.Delay(200);
        Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Count(d => File.Exists(Path.Combine(d, "cmdline")) && SafeRead(Path.Combine(d, "cmdline")).Contains(token))
            .Should().Be(0);
    }

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }
}
