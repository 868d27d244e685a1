using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// One dedicated thread for sandbox work that must not delay a run's result: unmounting finished workspaces (an
/// unmount waits for an RCU grace period, 5-10 ms on a loaded host) and preparing sandboxes ahead of demand.
/// A failure is logged with what was being done; it never fails a run that already has its result.
/// </summary>
internal sealed class SandboxHousekeeper : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly ILogger _log;
    private readonly Thread _thread;

    public SandboxHousekeeper(ILogger log)
    {
        _log = log;
        _thread = new Thread(() => { foreach (var item in _work.GetConsumingEnumerable()) item(); })
        {
            IsBackground = true,
            Name = "sandbox-housekeeper",
        };
        _thread.Start();
    }

    public void Post(string what, Action action)
    {
        void Run()
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                _log.LogError(e, "Sandbox housekeeping failed: {What}", what);
            }
        }
        if (!_work.TryAdd(Run)) Run(); // after Dispose: do it here and now
    }

    /// <summary>Returns once everything posted before the call is done.</summary>
    public void Drain()
    {
        using var done = new ManualResetEventSlim();
        if (_work.TryAdd(done.Set)) done.Wait();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
    }
}
