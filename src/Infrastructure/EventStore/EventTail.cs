using Microsoft.Data.Sqlite;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// The newest committed events of the whole file, read once per commit for every live <c>$all</c> subscription of
/// this process. Without it each subscription ran its own queries on every commit: seven subscriptions (the room
/// fan-out and six projections) at a thousand commits a second were fourteen thousand SQLite queries a second,
/// most of them finding nothing for their filter.
/// <para>
/// The tail holds every event in (<see cref="_floor"/>, <see cref="_through"/>] in position order, read with the same
/// rules as a subscription's page (only positions below the fsync watermark, so nothing that could vanish in a power
/// loss is handed out; other processes' commits too, since it reads the file). A subscription whose cursor is at or
/// past the floor is served from memory and filters there; one behind it (catching up, or fallen behind the bounded
/// buffer) reads its own pages as before.
/// </para>
/// </summary>
internal sealed class EventTail(Func<SqliteConnection> open, CommitSignal signal, Func<long> visibleBelow) : IDisposable
{
    /// <summary>
    /// Most events kept; older ones fall off the front and the floor rises past them. About 0.7 s at 1,500 edits/s:
    /// enough for the room fan-out and the 100 ms projections, while the one-second aggregates page from the file.
    /// Kept small on purpose: every event held here outlives a gen0 collection, and 8,192 of them (~4 MB promoted
    /// per collection) made each gen0 pause 25-30 ms under the collab load.
    /// </summary>
    public const int Capacity = 1024;

    /// <summary>Most event data bytes kept.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private const int PageSize = 512;

    private readonly object _lock = new();
    private readonly RecordedEvent[] _events = new RecordedEvent[Capacity]; // a ring: _count events from _head on, by position
    private int _head;
    private int _count;
    private long _bytes;
    private long _floor = -1;
    private long _through = -1;
    private bool _started;
    private Task? _readAtSignal; // the signal's task taken before the last read: while it is pending, nothing newer is visible
    private SqliteConnection? _connection;
    private SqliteCommand? _page;
    private bool _disposed;

    /// <summary>Reads since the tail was created (one per commit that a live subscription asked about).</summary>
    public long Refreshes { get; private set; }

    /// <summary>
    /// Adds to <paramref name="into"/> the events after position <paramref name="after"/> that <paramref name="filter"/>
    /// matches, and returns the position through which every event was looked at; null when the tail does not reach
    /// back to <paramref name="after"/> (the caller reads the file itself).
    /// </summary>
    public long? TryRead(long after, Matcher filter, List<RecordedEvent> into)
    {
        lock (_lock)
        {
            if (_disposed) return null;
            Refresh();
            if (after < _floor || after > _through) return null;
            for (var i = FirstAfter(after); i < _count; i++)
            {
                var e = _events[(_head + i) % Capacity];
                if (filter.Matches(e)) into.Add(e);
            }
            return _through;
        }
    }

    private void Refresh()
    {
        if (_readAtSignal is { IsCompleted: false }) return;
        var next = signal.Next;
        _connection ??= open();
        if (_page is null)
        {
            _page = _connection.CreateCommand();
            _page.CommandText = $"SELECT {EventTable.Columns} FROM events WHERE position > $after ORDER BY position LIMIT {PageSize}";
            _page.Parameters.AddWithValue("$after", -1L);
        }
        if (!_started)
        {
            // Start at the file's head: what lies at or below it (even not yet fsynced) is read by the subscriptions themselves.
            using var head = _connection.CreateCommand();
            head.CommandText = EventTable.HeadQuery;
            _floor = _through = (long)head.ExecuteScalar()!;
            _started = true;
            _readAtSignal = next;
            return;
        }
        var read = 0;
        while (true)
        {
            _page.Parameters[0].Value = _through;
            var rows = 0;
            var heldBack = false;
            using (var reader = _page.ExecuteReader())
            {
                // Taken after the page's snapshot began: a batch in it that still waits for its fsync is at or above this.
                var below = visibleBelow();
                while (reader.Read())
                {
                    rows++;
                    var e = EventTable.Read(reader);
                    if (e.GlobalPosition >= below) { heldBack = true; break; }
                    Add(e);
                }
            }
            Refreshes++;
            read += rows;
            if (heldBack || rows < PageSize) break;
            if (read >= Capacity)
            {
                // A backlog larger than the buffer (a bulk import, say): start over at its end and let subscriptions page.
                Clear();
            }
        }
        _readAtSignal = next;
    }

    /// <summary>The ring index (0 = oldest) of the first event after <paramref name="position"/>: a live subscription asks for the last few.</summary>
    private int FirstAfter(long position)
    {
        var (low, high) = (0, _count);
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_events[(_head + mid) % Capacity].GlobalPosition > position) high = mid;
            else low = mid + 1;
        }
        return low;
    }

    private void Add(RecordedEvent e)
    {
        if (_count == Capacity) DropOldest();
        _events[(_head + _count) % Capacity] = e;
        _count++;
        _bytes += e.Data.Length;
        _through = e.GlobalPosition;
        while (_bytes > MaxBytes && _count > 1) DropOldest();
    }

    private void DropOldest()
    {
        var old = _events[_head];
        _events[_head] = null!;
        _head = (_head + 1) % Capacity;
        _count--;
        _bytes -= old.Data.Length;
        _floor = old.GlobalPosition;
    }

    private void Clear()
    {
        Array.Clear(_events);
        (_head, _count, _bytes) = (0, 0, 0);
        _floor = _through;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _page?.Dispose();
            _connection?.Dispose();
        }
    }

    /// <summary>An <see cref="EventFilter"/> prepared for matching many events in memory.</summary>
    public sealed class Matcher(EventFilter? filter)
    {
        private readonly string[] _prefixes = filter?.StreamPrefixes is { Count: > 0 } p ? [.. p.Select(x => x ?? "")] : [];
        private readonly HashSet<string>? _types = filter?.EventTypes is { Count: > 0 } t ? new HashSet<string>(t.Select(x => x ?? ""), StringComparer.Ordinal) : null;

        public bool Matches(RecordedEvent e)
        {
            if (_types is not null && !_types.Contains(e.Type)) return false;
            if (_prefixes.Length == 0) return true;
            foreach (var prefix in _prefixes)
                if (e.Stream.StartsWith(prefix, StringComparison.Ordinal)) return true;
            return false;
        }
    }
}
