using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Replay;

/// <summary>One event replay keeps decoded in memory (everything but document updates, awareness and snapshots).</summary>
public sealed record TimelineEvent(long Revision, DateTimeOffset RecordedAt, string Type, object Event);

/// <summary>One awareness state of one Yjs client, without the raw entry bytes.</summary>
public sealed record CursorMark(long Revision, Guid ParticipantId, TextPosition? Cursor, TextPosition? SelectionStart, TextPosition? SelectionEnd);

/// <summary>A snapshot event and the last stream revision whose document update it holds.</summary>
public readonly record struct SnapshotMark(long Revision, long CoversRevision);

/// <summary>
/// The in-memory index of one room stream that makes seeking cheap: each revision's time and kind, where the snapshots
/// are, the awareness history per Yjs client, and every small event (joins, chat, language, runs, signals) decoded.
/// Document updates and snapshot bytes are not kept: a seek reads them back from the store. Built once per room by
/// one forward read, then extended from its tail. Not thread-safe: <see cref="RoomReplay"/> serialises access.
/// </summary>
public sealed class RoomTimeline(Guid roomId)
{
    public const string DocumentUpdated = "room.document-updated.v1";
    public const string SnapshotTaken = "room.document-snapshot-taken.v1";
    public const string AwarenessUpdated = "room.awareness-updated.v1";
    private const int ReadBatch = 4096;

    private readonly List<long> _ticks = [];
    private readonly List<bool> _isDocumentUpdate = [];
    private readonly List<SnapshotMark> _snapshots = [];
    private readonly List<TimelineEvent> _events = [];
    private readonly Dictionary<long, List<CursorMark>> _cursors = [];

    public Guid RoomId { get; } = roomId;
    public string Stream { get; } = RoomEventTypes.StreamOf(roomId);
    public RoomCreated? Created { get; private set; }
    public long LastRevision => _ticks.Count - 1;
    public int DocumentUpdates { get; private set; }
    public IReadOnlyList<TimelineEvent> Events => _events;
    public IReadOnlyList<SnapshotMark> Snapshots => _snapshots;
    public long LastUsedTicks { get; set; }

    public DateTimeOffset TimeOf(long revision) => new(_ticks[(int)revision], TimeSpan.Zero);

    public bool IsDocumentUpdate(long revision) => _isDocumentUpdate[(int)revision];

    /// <summary>Reads whatever the stream gained since the last call.</summary>
    public async Task CatchUpAsync(IEventStore store, CancellationToken ct)
    {
        while (true)
        {
            var read = 0;
            await foreach (var r in store.ReadStreamAsync(Stream, LastRevision + 1, Direction.Forwards, ReadBatch, ct))
            {
                Add(r);
                read++;
            }
            if (read < ReadBatch) return;
        }
    }

    private void Add(RecordedEvent r)
    {
        if (r.Revision != _ticks.Count) throw new InvalidOperationException($"Stream {Stream} skipped from {LastRevision} to {r.Revision}.");
        _ticks.Add(r.RecordedAt.UtcTicks);
        var isUpdate = r.Type == DocumentUpdated;
        _isDocumentUpdate.Add(isUpdate);
        if (isUpdate)
        {
            DocumentUpdates++;
            return;
        }
        switch (r.Type)
        {
            case SnapshotTaken:
                // Kept ordered by what they cover: two nodes may append snapshots whose coverage interleaves.
                var mark = new SnapshotMark(r.Revision, ((DocumentSnapshotTaken)RoomEventCodec.Decode(r)!).CoversRevision);
                var at = _snapshots.Count;
                while (at > 0 && _snapshots[at - 1].CoversRevision > mark.CoversRevision) at--;
                _snapshots.Insert(at, mark);
                return;
            case AwarenessUpdated:
                var a = (AwarenessUpdated)RoomEventCodec.Decode(r)!;
                if (!_cursors.TryGetValue(a.ClientId, out var marks)) _cursors[a.ClientId] = marks = [];
                marks.Add(new CursorMark(r.Revision, a.ParticipantId, a.Cursor, a.SelectionStart, a.SelectionEnd));
                return;
        }
        var e = (object?)RoomEventCodec.Decode(r) ?? ReplayRunEvents.Decode(r.Type, r.Data.Span);
        if (e is RoomCreated created) Created = created;
        if (e is not null) _events.Add(new TimelineEvent(r.Revision, r.RecordedAt, r.Type, e));
    }

    /// <summary>The last revision recorded at or before <paramref name="time"/>, or -1 when the stream began later.</summary>
    public long RevisionAt(DateTimeOffset time)
    {
        int lo = 0, hi = _ticks.Count;
        var t = time.UtcTicks;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ticks[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        return lo - 1;
    }

    /// <summary>The snapshot holding the most document updates at or below <paramref name="revision"/>, if any.</summary>
    public SnapshotMark? SnapshotFor(long revision)
    {
        SnapshotMark? best = null;
        int lo = 0, hi = _snapshots.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_snapshots[mid].CoversRevision <= revision) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0) best = _snapshots[lo - 1];
        return best;
    }

    /// <summary>Each Yjs client's latest awareness state at or before <paramref name="revision"/>.</summary>
    public IEnumerable<(long ClientId, CursorMark Mark)> CursorsAt(long revision)
    {
        foreach (var (clientId, marks) in _cursors)
        {
            int lo = 0, hi = marks.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (marks[mid].Revision <= revision) lo = mid + 1;
                else hi = mid;
            }
            if (lo > 0) yield return (clientId, marks[lo - 1]);
        }
    }

    /// <summary>The decoded small events up to and including <paramref name="revision"/>.</summary>
    public IEnumerable<TimelineEvent> EventsThrough(long revision)
    {
        foreach (var e in _events)
        {
            if (e.Revision > revision) yield break;
            yield return e;
        }
    }
}
