using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// The only writer of the store in this process: one thread, one connection. It drains every append waiting in
/// its queue into one transaction, commits (synchronous=FULL: the WAL is fsynced before COMMIT returns) and only
/// then completes the callers' tasks. Each append is checked (expectation, idempotency) before any of its rows is
/// inserted, so a rejected append leaves the transaction untouched and the others in the batch still commit.
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    private const int MaxBatchAppends = 2048;
    private const long MaxBatchBytes = 16L * 1024 * 1024;
    private const int MaxCachedStreams = 100_000;

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly SqliteConnection _db;
    private readonly Action _committed;
    private readonly ILogger _logger;
    private readonly Thread _thread;

    // Stream heads known to this connection; trusted only while no other connection has committed
    // (PRAGMA data_version on this connection changes exactly when another connection commits).
    private readonly Dictionary<string, long> _heads = new(StringComparer.Ordinal);
    private long _dataVersion = -1;

    private readonly SqliteCommand _begin, _commit, _rollback, _version, _head, _findId, _run, _insert;
    private readonly SqliteParameter _headStream, _findStream, _findId_, _runStream, _runFrom, _runTo;
    private readonly SqliteParameter[] _ins;

    private long _transactions;
    private long _appends;

    public GroupCommitWriter(SqliteConnection db, Action committed, ILogger logger)
    {
        _db = db;
        _committed = committed;
        _logger = logger;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _version = Prepare("PRAGMA data_version");
        _head = Prepare("SELECT max(revision) FROM events WHERE stream = $s", out _headStream, "$s");
        _findId = Prepare("SELECT revision FROM events WHERE event_id = $id AND stream = $s LIMIT 1", out _findId_, "$id");
        _findStream = _findId.Parameters.Add("$s", SqliteType.Text);
        _run = Prepare("SELECT event_id, position FROM events WHERE stream = $s AND revision BETWEEN $a AND $b ORDER BY revision",
            out _runStream, "$s");
        _runFrom = _run.Parameters.Add("$a", SqliteType.Integer);
        _runTo = _run.Parameters.Add("$b", SqliteType.Integer);
        _insert = new SqliteCommand(
            "INSERT INTO events(stream, revision, event_id, type, data, correlation_id, causation_id, user_id, client_time, client_offset, node_id, recorded_at) " +
            "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", _db);
        _ins = new SqliteParameter[12];
        for (var i = 0; i < _ins.Length; i++) _ins[i] = _insert.Parameters.Add($"${i + 1}", SqliteType.Text);
        _ins[1].SqliteType = SqliteType.Integer;
        _ins[2].SqliteType = SqliteType.Blob;
        _ins[4].SqliteType = SqliteType.Blob;
        _ins[5].SqliteType = SqliteType.Blob;
        _ins[6].SqliteType = SqliteType.Blob;
        _ins[8].SqliteType = SqliteType.Integer;
        _ins[9].SqliteType = SqliteType.Integer;
        _ins[11].SqliteType = SqliteType.Integer;
        _thread = new Thread(Run) { IsBackground = true, Name = "eventstore-writer" };
        _thread.Start();
    }

    public int QueueLength => _queue.Reader.Count;
    public long Transactions => Interlocked.Read(ref _transactions);
    public long AppendsCommitted => Interlocked.Read(ref _appends);
    public bool IsRunning => _thread.IsAlive;

    public Task<AppendResult> EnqueueAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, long bytes, CancellationToken ct)
    {
        var pending = new PendingAppend(stream, expected, events, bytes, ct);
        if (!_queue.Writer.TryWrite(pending))
            throw new EventStoreUnavailableException("The event store is closed.");
        return ct.CanBeCanceled ? pending.Task.WaitAsync(ct) : pending.Task;
    }

    /// <summary>Stops accepting appends, commits every append already queued, and waits for the thread.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (Thread.CurrentThread != _thread) _thread.Join();
        foreach (var c in new[] { _begin, _commit, _rollback, _version, _head, _findId, _run, _insert }) c.Dispose();
    }

    private void Run()
    {
        var batch = new List<PendingAppend>(256);
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryPeek(out _))
            {
                var wait = reader.WaitToReadAsync();
                var more = wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
                if (!more) return;
            }
            batch.Clear();
            long bytes = 0;
            while (batch.Count < MaxBatchAppends && bytes < MaxBatchBytes && reader.TryRead(out var p))
            {
                if (p.Cancellation.IsCancellationRequested)
                {
                    p.TrySetCanceled(p.Cancellation);
                    continue;
                }
                batch.Add(p);
                bytes += p.Bytes;
            }
            if (batch.Count == 0) continue;
            if (!TryCommit(batch, out var error))
            {
                if (batch.Count == 1)
                {
                    batch[0].TrySetException(new EventStoreUnavailableException($"The append to '{batch[0].Stream}' could not be made durable: {error!.Message}", error));
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
                            p.TrySetException(new EventStoreUnavailableException($"The append to '{p.Stream}' could not be made durable: {single!.Message}", single));
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
            _begin.ExecuteNonQuery();
            var version = (long)_version.ExecuteScalar()!;
            if (version != _dataVersion || _heads.Count > MaxCachedStreams)
            {
                _heads.Clear();
                _dataVersion = version;
            }
            var now = DateTime.UtcNow.Ticks;
            foreach (var p in batch) p.Outcome = Apply(p, now);
            _commit.ExecuteNonQuery();
        }
        catch (Exception e)
        {
            _heads.Clear();
            try
            {
                if (_db.Handle is not null && SQLitePCL.raw.sqlite3_get_autocommit(_db.Handle) == 0) _rollback.ExecuteNonQuery();
            }
            catch (SqliteException rollbackError)
            {
                _logger.LogError(rollbackError, "Rollback after a failed group commit failed");
            }
            error = e;
            return false;
        }

        Interlocked.Increment(ref _transactions);
        var committed = 0;
        foreach (var p in batch)
        {
            switch (p.Outcome)
            {
                case AppendResult r:
                    committed++;
                    p.TrySetResult(r);
                    break;
                case Exception e:
                    p.TrySetException(e);
                    break;
            }
        }
        Interlocked.Add(ref _appends, committed);
        _committed();
        return true;
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
            _ins[0].Value = p.Stream;
            _ins[1].Value = head + 1 + i;
            _ins[2].Value = e.EventId.ToByteArray();
            _ins[3].Value = e.Type;
            _ins[4].Value = AsArray(e.Data);
            _ins[5].Value = m.CorrelationId is { } corr ? corr.ToByteArray() : DBNull.Value;
            _ins[6].Value = m.CausationId is { } cause ? cause.ToByteArray() : DBNull.Value;
            _ins[7].Value = (object?)m.UserId ?? DBNull.Value;
            _ins[8].Value = m.ClientTime is { } ct ? ct.UtcTicks : DBNull.Value;
            _ins[9].Value = m.ClientTime is { } ct2 ? (long)ct2.Offset.TotalMinutes : DBNull.Value;
            _ins[10].Value = (object?)m.NodeId ?? DBNull.Value;
            _ins[11].Value = now;
            _insert.ExecuteNonQuery();
            position = SQLitePCL.raw.sqlite3_last_insert_rowid(_db.Handle);
        }
        var last = head + events.Count;
        _heads[p.Stream] = last;
        return new AppendResult(last, position);
    }

    /// <summary>The first event id is already in the stream at <paramref name="first"/>: a retry if all ids sit there in order.</summary>
    private object Retry(PendingAppend p, long first)
    {
        var events = p.Events;
        _runStream.Value = p.Stream;
        _runFrom.Value = first;
        _runTo.Value = first + events.Count - 1;
        var matched = 0;
        long position = 0;
        using (var r = _run.ExecuteReader())
        {
            while (r.Read() && matched < events.Count && r.GetGuid(0) == events[matched].EventId)
            {
                position = r.GetInt64(1);
                matched++;
            }
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
        _findId_.Value = id.ToByteArray();
        _findStream.Value = stream;
        return _findId.ExecuteScalar() is long revision ? revision : -1;
    }

    private long Head(string stream)
    {
        if (_heads.TryGetValue(stream, out var head)) return head;
        _headStream.Value = stream;
        head = _head.ExecuteScalar() is long r ? r : -1;
        _heads[stream] = head;
        return head;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();

    private SqliteCommand Prepare(string sql) => new(sql, _db);

    private SqliteCommand Prepare(string sql, out SqliteParameter first, string name)
    {
        var command = new SqliteCommand(sql, _db);
        first = command.Parameters.Add(name, name == "$id" ? SqliteType.Blob : SqliteType.Text);
        return command;
    }

    private sealed class PendingAppend(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, long bytes, CancellationToken ct)
        : TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string Stream { get; } = stream;
        public ExpectedRevision Expected { get; } = expected;
        public IReadOnlyList<EventData> Events { get; } = events;
        public long Bytes { get; } = bytes;
        public CancellationToken Cancellation { get; } = ct;
        public object? Outcome { get; set; }
    }
}
