using System.Collections.Concurrent;
using System.Diagnostics;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// Starts every sandbox process from one dedicated, never-ending thread, for two reasons:
/// bwrap's --die-with-parent is PR_SET_PDEATHSIG, which fires when the parent THREAD exits (and .NET pool threads
/// come and go), so the forking thread must live as long as the server; and in cgroup v1 a single thread can
/// join a cgroup, so the launcher thread joins the step's cgroups just before it forks (the child inherits them
/// from birth, with no shell in between) and returns to its own cgroups right after.
/// Starts a run is waiting for go first; sandboxes prepared ahead of demand only when none is waiting.
/// </summary>
internal sealed class ProcessLauncher
{
    private readonly BlockingCollection<Action> _urgent = new(), _background = new();

    public ProcessLauncher()
    {
        new Thread(() =>
        {
            BlockingCollection<Action>[] queues = [_urgent, _background];
            while (true)
            {
                BlockingCollection<Action>.TakeFromAny(queues, out var item); // prefers the first queue
                item!();
            }
        })
        {
            IsBackground = true,
            Name = "sandbox-launcher",
        }.Start();
    }

    /// <param name="start">Runs on the launcher thread, inside the step's cgroups when there are any: starts the process.</param>
    /// <param name="background">True for a sandbox prepared ahead of demand: it waits for every start a run is waiting for.</param>
    /// <returns>The process and the <see cref="Stopwatch.GetTimestamp"/> at which it was started, so the caller
    /// can see how long its continuation waited for a thread.</returns>
    public Task<(Process Process, long Started)> StartAsync(Func<Process> start, StepCgroup? cgroup, bool background)
    {
        var done = new TaskCompletionSource<(Process, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Stopwatch.GetTimestamp();
        (background ? _background : _urgent).Add(() =>
        {
            try
            {
                // A start prepared ahead of demand is off every run's path: only its whole duration is recorded.
                string? Phase(string name) => background ? null : name;
                var lap = SandboxPhases.Lap(Phase(SandboxPhases.LauncherQueue), queued);
                if (cgroup is null)
                {
                    var p = start();
                    done.SetResult((p, SandboxPhases.Lap(Phase(SandboxPhases.Spawn), lap)));
                    return;
                }
                var tid = Native.GetTid().ToString();
                foreach (var f in cgroup.TasksFiles) File.WriteAllText(f, tid);
                lap = SandboxPhases.Lap(Phase(SandboxPhases.CgroupJoin), lap);
                try
                {
                    var p = start();
                    done.SetResult((p, lap = SandboxPhases.Lap(Phase(SandboxPhases.Spawn), lap)));
                }
                finally
                {
                    foreach (var f in cgroup.HomeTasksFiles) File.WriteAllText(f, tid);
                    // A thread the runtime created during the start (the first Process.Start sets up its
                    // child-signal thread) was born in the step's cgroups too: bring it home.
                    cgroup.EvictOwnThreads();
                    SandboxPhases.Lap(Phase(SandboxPhases.CgroupLeave), lap);
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
