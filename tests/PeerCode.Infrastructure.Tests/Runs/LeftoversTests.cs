using System.Diagnostics;
using FluentAssertions;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

public sealed class LeftoversTests
{
    [Fact]
    public void A_new_sandbox_host_unmounts_and_removes_workspaces_of_dead_servers_and_keeps_those_of_live_ones()
    {
        var root = Path.Combine(Path.GetTempPath(), $"peercode-leftovers-{Guid.NewGuid():N}");
        int deadPid;
        using (var exited = Process.Start(new ProcessStartInfo("/usr/bin/true"))!)
        {
            exited.WaitForExit();
            deadPid = exited.Id;
        }
        var dead = Path.Combine(root, $"p{deadPid}-abc");
        var live = Path.Combine(root, "p1-def");
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);
        Run("/usr/bin/mount", "-t", "tmpfs", "-o", "size=1m", "leftover", dead);
        File.WriteAllText(Path.Combine(dead, "left.txt"), "x");

        using (new BubblewrapSandbox(root)) { }

        Directory.Exists(dead).Should().BeFalse();
        File.ReadAllText("/proc/self/mountinfo").Should().NotContain(dead);
        Directory.Exists(live).Should().BeTrue("pid 1 is alive");
        Directory.Delete(root, recursive: true);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        p.ExitCode.Should().Be(0);
    }
}
