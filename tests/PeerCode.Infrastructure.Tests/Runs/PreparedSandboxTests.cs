using System.Diagnostics;
using FluentAssertions;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

/// <summary>Sandboxes prepared ahead of demand: bwrap is set up early, but nothing of the step runs before it is released.</summary>
public sealed class PreparedSandboxTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private static readonly long WorkspaceBytes = RunLimits.Default.WorkspaceBytes;

    private SandboxStep Python(string code) =>
        new(["/usr/bin/python3", "-c", code], fx.Catalogue.Available.Single(l => l.Definition.Id == "python").RunBinds,
            SandboxLimits.Default, true, [], ReadOnlyMemory<byte>.Empty);

    [Fact]
    public async Task A_sandbox_prepared_ahead_starts_its_program_only_when_the_step_is_released()
    {
        // The program prints when it started, on the monotonic clock that Stopwatch reads too, and stays a while
        // (so a sandbox that had not waited would still be there to be released, its early time printed).
        var step = Python("import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC), flush=True); time.sleep(1)");
        using (fx.Sandbox.TakeWorkspace(WorkspaceBytes, step)) { } // the first of its shape: the pool prepares some
        fx.Sandbox.WaitForHousekeeping();
        using var workspace = fx.Sandbox.TakeWorkspace(WorkspaceBytes, step);
        workspace.HasPrepared.Should().BeTrue("the pool was topped up for this step");
        await Task.Delay(300); // time enough for a sandbox that did not wait to have run its program

        var released = Stopwatch.GetTimestamp();
        var o = await fx.Sandbox.RunAsync(workspace, step);

        o.ExitCode.Should().Be(0, o.Stderr);
        var startedNs = long.Parse(o.Stdout.Trim());
        startedNs.Should().BeGreaterThan((long)(released * (1e9 / Stopwatch.Frequency)), "the program must not start before its step is released");
    }

    [Fact]
    public void A_prepared_sandbox_never_used_is_killed_with_its_workspace()
    {
        var token = $"peercode-unused-{Guid.NewGuid():N}";
        var step = Python($"import time; time.sleep(60) # {token}");
        var sandbox = new BubblewrapSandbox(SandboxFixture.WorkspaceRoot);
        using (sandbox.TakeWorkspace(WorkspaceBytes, step)) { }
        sandbox.WaitForHousekeeping();
        var workspace = sandbox.TakeWorkspace(WorkspaceBytes, step);
        workspace.HasPrepared.Should().BeTrue();
        sandbox.WaitForHousekeeping();
        ProcessesWith(token).Should().NotBeEmpty("the prepared bwrap waits with the step's command line");

        workspace.Dispose();
        sandbox.Dispose(); // the pool's own prepared sandboxes of this shape too, and the housekeeping finishes

        ProcessesWith(token).Should().BeEmpty();
    }

    private static List<int> ProcessesWith(string token)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(token, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
        }
        return found;
    }
}
