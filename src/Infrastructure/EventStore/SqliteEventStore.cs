using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// The embedded event store: one SQLite file (<c>&lt;DataDirectory&gt;/events.db</c>) in WAL mode.
/// Appends are group-committed by one writer thread (<see cref="GroupCommitWriter"/>) and acknowledged only after
/// the WAL holding them is fsynced (<see cref="WalSyncer"/>); reads and subscriptions use their own connections.
/// Several processes may open the same file: SQLite serialises their writers, and each process polls
/// <c>PRAGMA data_version</c> so its subscriptions see the others' events within a few milliseconds.
/// An append whose caller cancels after it was queued may still be committed; retrying with the same event ids is safe.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IAsyncDisposable, IDisposable
{
    /// <summary>How often this process checks the file for commits made by other processes.</summary>
    public static readonly TimeSpan ExternalPollInterval = TimeSpan.FromMilliseconds(5);

    private const int PageSize = 512;
    private const long MaxPageBytes = 8L * 1024 * 1024;
    private const long MaxWalFrames = 64 * 1024;
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    private readonly EventStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _readConnectionString;
    private readonly SqliteConnection _writeConnection;
    private readonly GroupCommitWriter _writer;
    private readonly WalSyncer _syncer;
    private readonly CommitSignal _signal = new();
    private readonly EventTail _tail;
    private readonly CancellationTokenSource _closing = new();
    private readonly Thread _poller;
    private readonly Thread _checkpointer;
    private int _disposed;

    public SqliteEventStore(EventStoreOptions options, ILogger<SqliteEventStore>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        DatabasePath = options.DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);

        var builder = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        _writeConnection = new SqliteConnection(builder.ToString());
        try
        {
            _writeConnection.Open();
            Execute(_writeConnection, "PRAGMA busy_timeout = 10000");
            // The writer probes two random-keyed indexes (stream heads, event ids) per append: keep them in memory.
            Execute(_writeConnection, "PRAGMA cache_size = -32768");
            // Checkpoints run on their own thread (see Checkpoint), never inside an append's COMMIT.
            Execute(_writeConnection, "PRAGMA wal_autocheckpoint = 0");
            Execute(_writeConnection, "PRAGMA journal_mode = WAL");
            // NORMAL: COMMIT writes the WAL without fsync; WalSyncer fsyncs it before any append is acknowledged.
            Execute(_writeConnection, "PRAGMA synchronous = NORMAL");
            CreateSchema();
            _syncer = new WalSyncer(DatabasePath + "-wal", _signal.Raise, _logger);
        }
        catch (Exception e) when (e is SqliteException or IOException or EventStoreException)
        {
            _writeConnection.Dispose();
            throw new EventStoreUnavailableException($"Could not open the event store at {DatabasePath}: {e.Message}", e);
        }

        builder.Pooling = true;
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readConnectionString = builder.ToString();

        _writer = new GroupCommitWriter(_writeConnection, _syncer, _logger);
        _tail = new EventTail(OpenRead, _signal, () => _syncer.VisibleBelow);
        var pollConnection = OpenRead();
        _poller = new Thread(() => PollExternalCommits(pollConnection)) { IsBackground = true, Name = "eventstore-poller" };
        _poller.Start();
        var checkpointConnection = OpenRead();
        _checkpointer = new Thread(() => Checkpoint(checkpointConnection)) { IsBackground = true, Name = "eventstore-checkpointer" };
        _checkpointer.Start();
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Appends waiting for the writer thread.</summary>
    public int WriterQueueLength => _writer.QueueLength;

    /// <summary>Transactions committed by this process (each holds one or more appends).</summary>
    public long Transactions => _writer.Transactions;

    /// <summary>Appends committed by this process.</summary>
    public long AppendsCommitted => _writer.AppendsCommitted;

    public bool IsOpen => Volatile.Read(ref _disposed) == 0 && _writer.IsRunning;

    /// <summary>False if the thread that notices other processes' commits has stopped (see the log).</summary>
    public bool IsWatchingOtherProcesses => _poller.IsAlive;

    /// <summary>Queries the shared tail of live $all subscriptions has run (see <see cref="EventTail"/>).</summary>
    public long TailReads => _tail.Refreshes;

    public Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var bytes = AppendValidator.Validate(stream, expected, events, _options);
        return _writer.EnqueueAsync(stream, expected, events, bytes, ct);
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        string stream, long fromRevision, Direction direction, int maxCount, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        CheckRead(fromRevision, maxCount);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = direction == Direction.Forwards
            ? $"SELECT {EventTable.Columns} FROM events WHERE stream = $s AND revision >= $r ORDER BY revision LIMIT $n"
            : $"SELECT {EventTable.Columns} FROM events WHERE stream = $s AND revision <= $r ORDER BY revision DESC LIMIT $n";
        command.Parameters.AddWithValue("$s", stream);
        command.Parameters.AddWithValue("$r", fromRevision);
        command.Parameters.AddWithValue("$n", maxCount);
        using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            yield return EventTable.Read(reader);
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        long fromPosition, Direction direction, int maxCount, EventFilter? filter = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        CheckRead(fromPosition, maxCount);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        var where = EventTable.FilterClause(filter, command);
        command.CommandText = direction == Direction.Forwards
            ? $"SELECT {EventTable.Columns} FROM events WHERE position >= $from{where} ORDER BY position LIMIT $n"
            : $"SELECT {EventTable.Columns} FROM events WHERE position <= $from{where} ORDER BY position DESC LIMIT $n";
        command.Parameters.AddWithValue("$from", fromPosition);
        command.Parameters.AddWithValue("$n", maxCount);
        using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            yield return EventTable.Read(reader);
    }

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToStreamAsync(string stream, long? afterRevision, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (afterRevision < 0) throw new ArgumentOutOfRangeException(nameof(afterRevision), afterRevision, "A checkpoint revision is 0 or more (null means from the start).");
        return SubscribeAsync(command =>
        {
            command.Parameters.AddWithValue("$s", stream);
            return $"SELECT {EventTable.Columns} FROM events WHERE stream = $s AND revision > $after ORDER BY revision LIMIT {PageSize}";
        }, afterRevision, e => e.Revision, skipsUnmatched: false, live: null, ct);
    }

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(long? afterPosition, EventFilter? filter, CancellationToken ct)
    {
        if (afterPosition < 0) throw new ArgumentOutOfRangeException(nameof(afterPosition), afterPosition, "A checkpoint position is 0 or more (null means from the start).");
        // Filtered: each page is bounded by the head read just before it ($head), so once a page comes back short,
        // every position up to $head has been looked at and the next page starts there, not at the last match.
        // Without that, a filter that matches rarely re-scans everything appended since its last match on every commit.
        var filtered = filter is { StreamPrefixes.Count: > 0 } or { EventTypes.Count: > 0 };
        return SubscribeAsync(
            command => $"SELECT {EventTable.Columns} FROM events WHERE position > $after{(filtered ? " AND position <= $head" : "")}{EventTable.FilterClause(filter, command)} ORDER BY position LIMIT {PageSize}",
            afterPosition, e => e.GlobalPosition, skipsUnmatched: filtered, live: new EventTail.Matcher(filter), ct);
    }

    /// <summary>
    /// History in pages, then CaughtUp, then live. The cursor is the last key delivered and each page asks for
    /// keys strictly above it, so nothing is repeated; keys become visible in order (see <see cref="EventTable"/>),
    /// so nothing is skipped. A $all subscription (<paramref name="live"/> set) whose cursor the shared
    /// <see cref="EventTail"/> reaches is served from it instead of running its own query.
    /// </summary>
    private async IAsyncEnumerable<SubscriptionMessage> SubscribeAsync(
        Func<SqliteCommand, string> bindAndGetSql, long? after, Func<RecordedEvent, long> key, bool skipsUnmatched, EventTail.Matcher? live,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = bindAndGetSql(command);
        var afterParameter = command.Parameters.AddWithValue("$after", after ?? -1);
        SqliteParameter? headParameter = null;
        using var head = skipsUnmatched ? connection.CreateCommand() : null;
        if (head is not null)
        {
            head.CommandText = EventTable.HeadQuery;
            headParameter = command.Parameters.AddWithValue("$head", 0L);
        }
        var cursor = after;     // the last key delivered (what CaughtUp reports)
        var scanned = after;    // the key the next page starts after: past cursor when positions up to it matched nothing
        var caughtUp = false;
        var page = new List<RecordedEvent>(PageSize);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_closing.IsCancellationRequested) throw new EventStoreUnavailableException("The event store was closed while a subscription was open.");
            var next = _signal.Next;
            page.Clear();
            if (live is not null && _tail.TryRead(scanned ?? 0, live, page) is { } through)
            {
                foreach (var e in page)
                {
                    cursor = key(e);
                    yield return new SubscriptionMessage.Event(e);
                }
                scanned = through;
            }
            else
            {
                afterParameter.Value = scanned ?? -1;
                // Read in its own snapshot before the page: every position up to it is committed and in the page's snapshot too
                // (positions are assigned in commit order under SQLite's single write lock).
                var headPosition = head is null ? 0 : (long)head.ExecuteScalar()!;
                if (headParameter is not null) headParameter.Value = headPosition;
                var pageFull = false;
                using (var reader = command.ExecuteReader())
                {
                    long bytes = 0;
                    while (!pageFull && reader.Read())
                    {
                        var e = EventTable.Read(reader);
                        page.Add(e);
                        bytes += e.Data.Length;
                        pageFull = page.Count == PageSize || bytes >= MaxPageBytes;
                    }
                }
                // Read after the snapshot was taken: a batch in that snapshot still waiting for its fsync has
                // positions at or above this bound, so it is held back until the syncer signals.
                var visibleBelow = _syncer.VisibleBelow;
                var heldBack = false;
                foreach (var e in page)
                {
                    if (e.GlobalPosition >= visibleBelow)
                    {
                        heldBack = true;
                        break;
                    }
                    cursor = key(e);
                    scanned = cursor;
                    yield return new SubscriptionMessage.Event(e);
                }
                // A short page held every match up to the head: what lies between the last match and the head (or the first
                // position still waiting for its fsync) matched nothing and is never read again.
                if (head is not null && !pageFull)
                {
                    var skipTo = Math.Min(headPosition, visibleBelow - 1);
                    if (skipTo > (scanned ?? 0)) scanned = skipTo;
                }
                if (pageFull && !heldBack) continue;
            }
            if (!caughtUp)
            {
                caughtUp = true;
                yield return new SubscriptionMessage.CaughtUp(cursor);
            }
            try
            {
                await next.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new EventStoreUnavailableException("The event store was closed while a subscription was open.");
            }
        }
    }

    private void PollExternalCommits(SqliteConnection connection)
    {
        try
        {
            using var _ = connection;
            using var version = connection.CreateCommand();
            version.CommandText = "PRAGMA data_version";
            using var head = connection.CreateCommand();
            head.CommandText = EventTable.HeadQuery;
            var last = (long)version.ExecuteScalar()!;
            var ownTransactions = _writer.Transactions;
            while (!_closing.Token.WaitHandle.WaitOne(ExternalPollInterval))
            {
                // While this process's writer commits, the poll is redundant: a commit of another process made before
                // our writer's last BEGIN sits below that transaction's positions, so the syncer's signal after its
                // fsync covers it; one made after that BEGIN is caught by the next tick (by our next commit's signal,
                // or by this check once our writer is idle). Under load this saves a read transaction every 5 ms.
                var transactions = _writer.Transactions;
                if (transactions != ownTransactions)
                {
                    ownTransactions = transactions;
                    continue;
                }
                var now = (long)version.ExecuteScalar()!;
                if (now == last) continue;
                last = now;
                // This process's own commits change data_version too, and the syncer already signals each of them after
                // its fsync; another process's commit below our newest one is in the file before ours, so our signal
                // covers it. Only a head above our newest commit needs this poller's signal.
                if ((long)head.ExecuteScalar()! > _writer.LastCommittedPosition) _signal.Raise();
            }
        }
        catch (SqliteException e)
        {
            _logger.LogError(e, "The event store stopped watching {Path} for other processes' commits", DatabasePath);
        }
    }

    /// <summary>
    /// Copies committed WAL frames into the database file in the background (PASSIVE: never blocks appends or
    /// reads), so COMMIT only ever writes and syncs the WAL. If the WAL still grows past a bound under constant
    /// load, a RESTART checkpoint briefly waits for the writers so the WAL is reused from its start.
    /// </summary>
    private void Checkpoint(SqliteConnection connection)
    {
        try
        {
            using var _ = connection;
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL";
            command.ExecuteNonQuery();
            var lastVersion = -1L;
            while (!_closing.Token.WaitHandle.WaitOne(CheckpointInterval))
            {
                command.CommandText = "PRAGMA data_version";
                var version = (long)command.ExecuteScalar()!;
                if (version == lastVersion) continue;
                lastVersion = version;
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                using (var reader = command.ExecuteReader())
                {
                    if (reader.Read() && reader.GetInt64(1) > MaxWalFrames)
                    {
                        reader.Close();
                        command.CommandText = "PRAGMA wal_checkpoint(RESTART)";
                        command.ExecuteNonQuery();
                    }
                }
            }
        }
        catch (SqliteException e)
        {
            _logger.LogError(e, "The event store's checkpointer for {Path} stopped; the WAL file will grow until restart", DatabasePath);
        }
    }

    /// <summary>Highest global position in the file (0 when empty), read from a fresh snapshot.</summary>
    public long ReadLastPosition()
    {
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = EventTable.HeadQuery;
        return (long)command.ExecuteScalar()!;
    }

    private SqliteConnection OpenRead()
    {
        if (Volatile.Read(ref _disposed) != 0) throw new EventStoreUnavailableException("The event store is closed.");
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private static void CheckRead(long from, int maxCount)
    {
        if (from < 0) throw new ArgumentOutOfRangeException(nameof(from), from, "A read starts at 0 or more (StreamPosition.End for the tail).");
        if (maxCount <= 0) throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "maxCount must be at least 1.");
    }

    private void CreateSchema()
    {
        using var command = _writeConnection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        var version = (long)command.ExecuteScalar()!;
        if (version > EventTable.SchemaVersion)
            throw new EventStoreUnavailableException($"{DatabasePath} has schema version {version}; this build understands up to {EventTable.SchemaVersion}.");
        Execute(_writeConnection, "BEGIN IMMEDIATE");
        Execute(_writeConnection, EventTable.Schema);
        Execute(_writeConnection, $"PRAGMA user_version = {EventTable.SchemaVersion}");
        Execute(_writeConnection, "COMMIT");
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Commits every append already queued, then closes the writer, the poller, open subscriptions and pooled connections.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _writer.Dispose();
        _syncer.Dispose();
        _closing.Cancel();
        _poller.Join();
        _checkpointer.Join();
        _tail.Dispose();
        _writeConnection.Dispose();
        using (var pooled = new SqliteConnection(_readConnectionString)) SqliteConnection.ClearPool(pooled);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
