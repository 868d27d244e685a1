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

    public Task<Process> StartAsync(ProcessStartInfo psi, StepCgroup? cgroup)
    {
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                if (cgroup is null)
                {
                    done.SetResult(Process.Start(psi)!);
                    return;
                }
                var tid = Native.GetTid().ToString();
                foreach (var f in cgroup.TasksFiles) File.WriteAllText(f, tid);
                try
                {
                    done.SetResult(Process.Start(psi)!);
                }
                finally
                {
                    foreach (var f in cgroup.HomeTasksFiles) File.WriteAllText(f, tid);
                    // A thread the runtime created during the start (the first Process.Start sets up its
                    // child-signal thread) was born in the step's cgroups too: bring it home.
                    cgroup.EvictOwnThreads();
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
