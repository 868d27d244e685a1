using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// The only writer of the store in this process: one thread, one connection. It drains every append waiting in
/// its queue into one transaction and commits it; the <see cref="WalSyncer"/> completes the callers' tasks once
/// that commit is fsynced, while this thread goes on with the next batch. Each append is checked (expectation,
/// idempotency) before any of its rows is inserted, so a rejected append leaves the transaction untouched and the
/// others in the batch still commit.
/// <para>
/// Latency: an enqueue wakes this thread directly (no thread-pool work item in between, so a busy pool never delays
/// a commit), and callers' continuations run on the syncer's acknowledgement thread in commit order, not as one
/// thread-pool work item per append. Failures found here (cancelled, refused batch) complete on the thread pool.
/// </para>
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    private const int MaxBatchAppends = 2048;
    private const long MaxBatchBytes = 16L * 1024 * 1024;
    private const int MaxCachedStreams = 100_000;

    private readonly ConcurrentQueue<PendingAppend> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0); // a dedicated thread: block at once, never spin
    private volatile bool _closed;
    private readonly SqliteConnection _db;
    private readonly WalSyncer _syncer;
    private readonly ILogger _logger;
    private readonly Thread _thread;

    // Stream heads known to this connection; trusted only while no other connection has committed
    // (PRAGMA data_version on this connection changes exactly when another connection commits).
    private readonly Dictionary<string, long> _heads = new(StringComparer.Ordinal);
    private long _dataVersion = -1;

    private readonly SqliteStatement _begin, _commit, _rollback, _version, _head, _findId, _run, _insert;

    private int _queued;
    private long _transactions;
    private long _appends;

    private long _batchFirstPosition;
    private long _batchLastPosition;
    private long _lastCommittedPosition;
    private bool _failedToBegin; // the write lock was not obtained (e.g. another process held it past busy_timeout)

    public GroupCommitWriter(SqliteConnection db, WalSyncer syncer, ILogger logger)
    {
        _db = db;
        _syncer = syncer;
        _logger = logger;
        _begin = new SqliteStatement(db, "BEGIN IMMEDIATE");
        _commit = new SqliteStatement(db, "COMMIT");
        _rollback = new SqliteStatement(db, "ROLLBACK");
        _version = new SqliteStatement(db, "PRAGMA data_version");
        _head = new SqliteStatement(db, "SELECT max(revision) FROM events WHERE stream = ?1");
        _findId = new SqliteStatement(db, "SELECT revision FROM events WHERE event_id = ?1 AND stream = ?2 LIMIT 1");
        _run = new SqliteStatement(db, "SELECT event_id, position FROM events WHERE stream = ?1 AND revision BETWEEN ?2 AND ?3 ORDER BY revision");
        _insert = new SqliteStatement(db,
            "INSERT INTO events(stream, revision, event_id, type, data, correlation_id, causation_id, user_id, client_time, client_offset, node_id, recorded_at) " +
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
        _thread = new Thread(Run) { IsBackground = true, Name = "eventstore-writer" };
        _thread.Start();
    }

    public int QueueLength => Volatile.Read(ref _queued);
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>The highest position this writer has committed (0 before its first commit).</summary>
    public long LastCommittedPosition => Interlocked.Read(ref _lastCommittedPosition);
    public long AppendsCommitted => Interlocked.Read(ref _appends);
    public bool IsRunning => _thread.IsAlive;

    public Task<AppendResult> EnqueueAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, long bytes, CancellationToken ct)
    {
        if (_closed) throw new EventStoreUnavailableException("The event store is closed.");
        var pending = new PendingAppend(stream, expected, events, bytes, ct);
        Interlocked.Increment(ref _queued);
        _queue.Enqueue(pending);
        _wake.Set();
        if (_closed && !_thread.IsAlive) FailLate(); // enqueued after Dispose drained the queue
        return ct.CanBeCanceled ? pending.Task.WaitAsync(ct) : pending.Task;
    }

    /// <summary>Stops accepting appends, commits every append already queued, and waits for the thread.</summary>
    public void Dispose()
    {
        _closed = true;
        _wake.Set();
        if (Thread.CurrentThread != _thread) _thread.Join();
        FailLate();
        foreach (var c in new[] { _begin, _commit, _rollback, _version, _head, _findId, _run, _insert }) c.Dispose();
    }

    /// <summary>Appends enqueued after the thread took its last look (a race with Dispose): refused, never left waiting.</summary>
    private void FailLate()
    {
        while (_queue.TryDequeue(out var late))
        {
            Interlocked.Decrement(ref _queued);
            CompleteOnPool(late, p => p.TrySetException(new EventStoreUnavailableException("The event store is closed.")));
        }
    }

    private void Run()
    {
        var batch = new List<PendingAppend>(256);
        while (true)
        {
            if (_queue.IsEmpty)
            {
                // Reset before the second look, so an enqueue between the two looks leaves the event set.
                _wake.Reset();
                if (_queue.IsEmpty)
                {
                    if (_closed) return;
                    _wake.Wait();
                    continue;
                }
            }
            batch.Clear();
            long bytes = 0;
            while (batch.Count < MaxBatchAppends && bytes < MaxBatchBytes && _queue.TryDequeue(out var p))
            {
                Interlocked.Decrement(ref _queued);
                if (p.Cancellation.IsCancellationRequested)
                {
                    CompleteOnPool(p, c => c.TrySetCanceled(c.Cancellation));
                    continue;
                }
                batch.Add(p);
                bytes += p.Bytes;
            }
            if (batch.Count == 0) continue;
            if (!TryCommit(batch, out var error))
            {
                if (batch.Count == 1 || _failedToBegin)
                {
                    // nothing to isolate: one append, or the whole store is unavailable (no write lock)
                    foreach (var p in batch)
                        CompleteOnPool(p, c => c.TrySetException(new EventStoreUnavailableException($"The append to '{c.Stream}' could not be made durable: {error!.Message}", error)));
                }
                else
                {
                    // Isolate the failure: each append gets its own transaction, so only the broken one fails.
                    _logger.LogWarning(error, "Group commit of {Count} appends failed; retrying them one by one", batch.Count);
                    foreach (var p in batch.ToArray())
                    {
                        batch.Clear();
                        batch.Add(p);
                        if (!TryCommit(batch, out var single))
                            CompleteOnPool(p, c => c.TrySetException(new EventStoreUnavailableException($"The append to '{c.Stream}' could not be made durable: {single!.Message}", single)));
                    }
                }
            }
        }
    }

    private bool TryCommit(List<PendingAppend> batch, out Exception? error)
    {
        error = null;
        try
        {
            _failedToBegin = true;
            _begin.Execute();
            _failedToBegin = false;
            var version = ReadVersion();
            if (version != _dataVersion || _heads.Count > MaxCachedStreams)
            {
                _heads.Clear();
                _dataVersion = version;
            }
            var now = DateTime.UtcNow.Ticks;
            _batchFirstPosition = long.MaxValue;
            _batchLastPosition = 0;
            foreach (var p in batch) p.Outcome = Apply(p, now);
            _syncer.BeginCommit(_batchFirstPosition);
            _commit.Execute();
            if (_batchLastPosition > 0) Interlocked.Exchange(ref _lastCommittedPosition, _batchLastPosition);
        }
        catch (Exception e)
        {
            _heads.Clear();
            _syncer.CommitFailed();
            try
            {
                if (_db.Handle is not null && SQLitePCL.raw.sqlite3_get_autocommit(_db.Handle) == 0) _rollback.Execute();
            }
            catch (SqliteException rollbackError)
            {
                _logger.LogError(rollbackError, "Rollback after a failed group commit failed");
            }
            error = e;
            return false;
        }

        Interlocked.Increment(ref _transactions);
        var committed = batch.ToArray();
        _syncer.Committed(fsyncError => Acknowledge(committed, fsyncError));
        return true;
    }

    /// <summary>Completes an append off this thread: its caller's continuation runs inline and must not hold up the writer.</summary>
    private static void CompleteOnPool(PendingAppend p, Action<PendingAppend> complete) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.complete(s.p), (p, complete), preferLocal: false);

    /// <summary>Runs on the syncer's acknowledgement thread: each caller's continuation runs inline, in commit order.</summary>
    private void Acknowledge(PendingAppend[] batch, Exception? fsyncError)
    {
        // Counted before any caller resumes: a continuation runs inline and may read the count at once.
        if (fsyncError is null) Interlocked.Add(ref _appends, batch.Count(p => p.Outcome is AppendResult));
        foreach (var p in batch)
        {
            switch (p.Outcome)
            {
                case AppendResult r when fsyncError is null:
                    p.TrySetResult(r);
                    break;
                case AppendResult:
                    p.TrySetException(new EventStoreUnavailableException(
                        $"The append to '{p.Stream}' was committed but the WAL could not be synced to disk; retry with the same event ids.", fsyncError));
                    break;
                case Exception e:
                    p.TrySetException(e);
                    break;
            }
        }
    }

    /// <returns>The <see cref="AppendResult"/>, or the exception for this append alone (nothing of it inserted).</returns>
    private object Apply(PendingAppend p, long now)
    {
        var events = p.Events;
        var first = FindInStream(p.Stream, events[0].EventId);
        if (first >= 0)
            return Retry(p, first);
        for (var i = 1; i < events.Count; i++)
        {
            var found = FindInStream(p.Stream, events[i].EventId);
            if (found >= 0)
                return new InvalidAppendException(
                    $"Event id {events[i].EventId} is already in stream '{p.Stream}' at revision {found} but the append's first event is new; a retry must resend exactly the original events.");
        }

        var head = Head(p.Stream);
        var ok = p.Expected.Kind switch
        {
            ExpectedKind.Any => true,
            ExpectedKind.NoStream => head < 0,
            ExpectedKind.StreamExists => head >= 0,
            _ => head == p.Expected.Revision,
        };
        if (!ok) return new WrongExpectedRevisionException(p.Stream, p.Expected, head);

        long position = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var m = e.Metadata;
            _insert.Bind(1, p.Stream);
            _insert.Bind(2, head + 1 + i);
            _insert.Bind(3, e.EventId);
            _insert.Bind(4, e.Type);
            _insert.Bind(5, e.Data.Span);
            _insert.Bind(6, m.CorrelationId);
            _insert.Bind(7, m.CausationId);
            _insert.Bind(8, m.UserId);
            if (m.ClientTime is { } clientTime)
            {
                _insert.Bind(9, clientTime.UtcTicks);
                _insert.Bind(10, (long)clientTime.Offset.TotalMinutes);
            }
            _insert.Bind(11, m.NodeId);
            _insert.Bind(12, now);
            _insert.Execute();
            position = _insert.LastInsertRowId;
            if (_batchFirstPosition == long.MaxValue) _batchFirstPosition = position;
            _batchLastPosition = position;
        }
        var last = head + events.Count;
        _heads[p.Stream] = last;
        return new AppendResult(last, position);
    }

    /// <summary>The first event id is already in the stream at <paramref name="first"/>: a retry if all ids sit there in order.</summary>
    private object Retry(PendingAppend p, long first)
    {
        var events = p.Events;
        _run.Bind(1, p.Stream);
        _run.Bind(2, first);
        _run.Bind(3, first + events.Count - 1);
        var matched = 0;
        long position = 0;
        try
        {
            while (matched < events.Count && _run.Step() && _run.Guid(0) == events[matched].EventId)
            {
                position = _run.Int64(1);
                matched++;
            }
        }
        finally
        {
            _run.Reset();
        }
        if (matched != events.Count)
            return new InvalidAppendException(
                $"Event id {events[0].EventId} is already in stream '{p.Stream}' at revision {first}, but the stored events from there differ from this append; a retry must resend exactly the original events.");
        var originalExpectation = first - 1;
        var consistent = p.Expected.Kind switch
        {
            ExpectedKind.Any => true,
            ExpectedKind.StreamExists => first > 0,
            ExpectedKind.NoStream => first == 0,
            _ => p.Expected.Revision == originalExpectation,
        };
        if (!consistent)
            return new InvalidAppendException(
                $"Events {events[0].EventId}.. are already in stream '{p.Stream}' from revision {first}, which does not fit the expected revision {p.Expected} of this append.");
        return new AppendResult(first + events.Count - 1, position);
    }

    private long FindInStream(string stream, Guid id)
    {
        _findId.Bind(1, id);
        _findId.Bind(2, stream);
        return ScalarOrMinusOne(_findId);
    }

    private long Head(string stream)
    {
        if (_heads.TryGetValue(stream, out var head)) return head;
        _head.Bind(1, stream);
        head = ScalarOrMinusOne(_head);
        _heads[stream] = head;
        return head;
    }

    private long ReadVersion()
    {
        try
        {
            _version.Step();
            return _version.Int64(0);
        }
        finally
        {
            _version.Reset();
        }
    }

    private static long ScalarOrMinusOne(SqliteStatement statement)
    {
        try
        {
            return statement.Step() && !statement.IsNull(0) ? statement.Int64(0) : -1;
        }
        finally
        {
            statement.Reset();
        }
    }

    // Continuations run synchronously where the append completes: see Acknowledge and CompleteOnPool.
    private sealed class PendingAppend(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, long bytes, CancellationToken ct)
        : TaskCompletionSource<AppendResult>(TaskCreationOptions.None)
    {
        public string Stream { get; } = stream;
        public ExpectedRevision Expected { get; } = expected;
        public IReadOnlyList<EventData> Events { get; } = events;
        public long Bytes { get; } = bytes;
        public CancellationToken Cancellation { get; } = ct;
        public object? Outcome { get; set; }
    }
}
