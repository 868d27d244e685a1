using System.Collections.Concurrent;
using System.Diagnostics;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// Starts every sandbox process from one dedicated, never-ending thread, for two reasons:
/// bwrap's --die-with-parent is PR_SET_PDEATHSIG, which fires when the parent THREAD exits (and .NET pool threads
/// come and go), so the forking thread must live as long as the server; and in cgroup v1 a single thread can
/// join a cgroup, so the launcher thread joins the step's cgroups just before it forks (the child inherits them
/// from birth, with no shell in between) and returns to its own cgroups right after.
/// </summary>
internal sealed class ProcessLauncher
{
    private readonly BlockingCollection<Action> _work = new();

    public ProcessLauncher()
    {
        new Thread(() => { foreach (var item in _work.GetConsumingEnumerable()) item(); })
        {
            IsBackground = true,
            Name = "sandbox-launcher",
        }.Start();
    }

    /// <returns>The process and the <see cref="Stopwatch.GetTimestamp"/> at which it was started, so the caller
    /// can see how long its continuation waited for a thread.</returns>
    public Task<(Process Process, long Started)> StartAsync(ProcessStartInfo psi, StepCgroup? cgroup)
    {
        var done = new TaskCompletionSource<(Process, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Stopwatch.GetTimestamp();
        _work.Add(() =>
        {
            try
            {
                var lap = SandboxPhases.Lap(SandboxPhases.LauncherQueue, queued);
                if (cgroup is null)
                {
                    var p = Process.Start(psi)!;
                    done.SetResult((p, SandboxPhases.Lap(SandboxPhases.Spawn, lap)));
                    return;
                }
                var tid = Native.GetTid().ToString();
                foreach (var f in cgroup.TasksFiles) File.WriteAllText(f, tid);
                lap = SandboxPhases.Lap(SandboxPhases.CgroupJoin, lap);
                try
                {
                    var p = Process.Start(psi)!;
                    done.SetResult((p, lap = SandboxPhases.Lap(SandboxPhases.Spawn, lap)));
                }
                finally
                {
                    foreach (var f in cgroup.HomeTasksFiles) File.WriteAllText(f, tid);
                    // A thread the runtime created during the start (the first Process.Start sets up its
                    // child-signal thread) was born in the step's cgroups too: bring it home.
                    cgroup.EvictOwnThreads();
                    SandboxPhases.Lap(SandboxPhases.CgroupLeave, lap);
                }
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task;
    }
}
