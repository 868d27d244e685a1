using System.Runtime.InteropServices;
using FluentAssertions;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs;

public sealed partial class CgroupTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [Fact]
    public void A_server_thread_that_strays_into_a_step_cgroup_is_moved_out_and_never_killed()
    {
        // The regression: the server's first Process.Start creates the runtime's child-signal thread from the
        // launcher thread while that thread sits in the step's cgroups; killing the step then killed the server.
        var cgroup = fx.Sandbox.Cgroups!.Create("stray-" + Guid.NewGuid().ToString("N"), SandboxLimits.Default);
        var done = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            var tid = GetTid().ToString();
            foreach (var f in cgroup.TasksFiles) File.WriteAllText(f, tid);
            done.Set();
            release.Wait(TimeSpan.FromSeconds(30)); // alive until the checks below are done

        });
        thread.Start();
        done.Wait();

        cgroup.KillAll();
        cgroup.Dispose();

        thread.IsAlive.Should().BeTrue("the server's own thread must survive");
        File.ReadAllText("/proc/self/status").Should().Contain("State:");
        release.Set();
        thread.Join();
    }
}
