using Microsoft.Extensions.Logging;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// Makes committed transactions durable off the writer thread. The writer commits with synchronous=NORMAL (the
/// WAL frames are written, not yet fsynced) and hands the batch's acknowledgements here; this thread fsyncs the
/// WAL file once for every batch committed so far and only then acknowledges them, while the writer already
/// builds the next batch. So an append is acknowledged only when the WAL frames holding it are on disk, as with
/// synchronous=FULL, but the fsync no longer stalls the writer.
/// <para>
/// Visibility: subscriptions in this process deliver only positions below <see cref="VisibleBelow"/>, the first
/// position of the oldest batch still waiting for its fsync, so they never hand out an event that could vanish
/// in a power loss. (Another process sharing the file may see it a few milliseconds before its fsync.)
/// </para>
/// <para>
/// Acknowledgements run on a third thread, batch after batch in commit order, with the callers' continuations
/// inline: an acknowledged edit goes on to its fan-out at once instead of waiting in the thread pool's queue
/// behind everything else, and the next fsync never waits for them. Code after an awaited append therefore runs
/// here until its next await: it must not block (no sync-over-async on another append, which would deadlock).
/// </para>
/// </summary>
internal sealed class WalSyncer : IDisposable
{
    private readonly FileStream _wal;
    private readonly Action _synced;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly Thread _ackThread;
    private readonly object _lock = new();
    private readonly object _ackLock = new();
    private readonly Queue<(List<Action<Exception?>> Acks, Exception? Error)> _acks = new();
    private bool _ackClosing;
    private readonly List<(long FirstPosition, Action<Exception?> Ack)> _waiting = [];
    private long _committingFirst = long.MaxValue;
    private long _syncingFirst = long.MaxValue;
    private long _visibleBelow = long.MaxValue;
    private bool _closing;

    public WalSyncer(string walPath, Action synced, ILogger logger)
    {
        // The WAL exists while the writer's connection is open. SQLite takes no locks on the -wal file itself,
        // so this extra descriptor cannot disturb its POSIX locks.
        _wal = new FileStream(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _synced = synced;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "eventstore-fsync" };
        _thread.Start();
        _ackThread = new Thread(RunAcknowledgements) { IsBackground = true, Name = "eventstore-ack" };
        _ackThread.Start();
    }

    /// <summary>Positions at or above this may not be durable yet.</summary>
    public long VisibleBelow => Volatile.Read(ref _visibleBelow);

    /// <summary>Called before COMMIT with the batch's first inserted position (long.MaxValue when it inserted nothing).</summary>
    public void BeginCommit(long firstPosition)
    {
        lock (_lock)
        {
            _committingFirst = firstPosition;
            UpdateVisibility();
        }
    }

    /// <summary>Called after COMMIT returned: <paramref name="ack"/> runs once the WAL is fsynced (with the fsync error, if any).</summary>
    public void Committed(Action<Exception?> ack)
    {
        lock (_lock)
        {
            _waiting.Add((_committingFirst, ack));
            _committingFirst = long.MaxValue;
            Monitor.Pulse(_lock);
        }
    }

    public void CommitFailed()
    {
        lock (_lock)
        {
            _committingFirst = long.MaxValue;
            UpdateVisibility();
        }
    }

    /// <summary>Syncs and acknowledges everything already committed, then stops.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _closing = true;
            Monitor.Pulse(_lock);
        }
        _thread.Join();
        lock (_ackLock)
        {
            _ackClosing = true;
            Monitor.Pulse(_ackLock);
        }
        // Disposed from an acknowledged caller's continuation: the ack thread ends by itself once that returns.
        if (Thread.CurrentThread != _ackThread) _ackThread.Join();
        _wal.Dispose();
    }

    private void Run()
    {
        var work = new List<(long FirstPosition, Action<Exception?> Ack)>();
        while (true)
        {
            lock (_lock)
            {
                while (_waiting.Count == 0)
                {
                    if (_closing) return;
                    Monitor.Wait(_lock);
                }
                work.AddRange(_waiting);
                _waiting.Clear();
                _syncingFirst = work.Min(w => w.FirstPosition);
            }
            Exception? error = null;
            try
            {
                _wal.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                _logger.LogCritical(e, "fsync of the event store's WAL failed; the appends waiting for it are reported as not durable");
                error = e;
            }
            lock (_lock)
            {
                _syncingFirst = long.MaxValue;
                UpdateVisibility();
            }
            lock (_ackLock)
            {
                _acks.Enqueue((work.Select(w => w.Ack).ToList(), error));
                Monitor.Pulse(_ackLock);
            }
            work.Clear();
            _synced();
        }
    }

    private void RunAcknowledgements()
    {
        while (true)
        {
            (List<Action<Exception?>> Acks, Exception? Error) batch;
            lock (_ackLock)
            {
                while (_acks.Count == 0)
                {
                    if (_ackClosing) return;
                    Monitor.Wait(_ackLock);
                }
                batch = _acks.Dequeue();
            }
            foreach (var ack in batch.Acks)
            {
                // A continuation that throws synchronously must not end this thread, or every later append would hang.
                try { ack(batch.Error); }
                catch (Exception e) { _logger.LogError(e, "A continuation of an acknowledged append threw on the acknowledgement thread"); }
            }
        }
    }

    private void UpdateVisibility()
    {
        var first = Math.Min(_committingFirst, _syncingFirst);
        foreach (var (position, _) in _waiting) first = Math.Min(first, position);
        Volatile.Write(ref _visibleBelow, first);
    }
}
