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
/// </summary>
internal sealed class WalSyncer : IDisposable
{
    private readonly FileStream _wal;
    private readonly Action _synced;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly object _lock = new();
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
            foreach (var (_, ack) in work) ack(error);
            work.Clear();
            _synced();
        }
    }

    private void UpdateVisibility()
    {
        var first = Math.Min(_committingFirst, _syncingFirst);
        foreach (var (position, _) in _waiting) first = Math.Min(first, position);
        Volatile.Write(ref _visibleBelow, first);
    }
}
