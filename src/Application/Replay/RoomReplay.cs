using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Replay;

/// <summary>Why a replay request is refused; the web layer maps each to a status code.</summary>
public enum ReplayRefusal { RoomNotFound, NoToken, InvalidToken, RoleMayNotReplay, AccessRefused, BadRequest }

/// <summary>A refused replay request; <paramref name="Code"/> is the room access code when the room's access rule refused it.</summary>
public sealed class ReplayException(ReplayRefusal refusal, string message, string? code = null) : Exception(message)
{
    public ReplayRefusal Refusal { get; } = refusal;
    public string? Code { get; } = code;
}

/// <summary>What a link token grants on a room's replay.</summary>
public sealed record ReplayGrant(Guid RoomId, ParticipantRole Role, ReplayAudience Audience);

/// <summary>Where a state request points: a stream revision or a moment in time.</summary>
public abstract record ReplayPoint
{
    private ReplayPoint() { }
    public sealed record Latest : ReplayPoint;
    public sealed record AtRevision(long Revision) : ReplayPoint;
    public sealed record AtTime(DateTimeOffset Time) : ReplayPoint;
}

/// <summary>
/// Replay of an interview: a re-read of its room stream. Events are paged straight from the store; the state at any moment
/// is the nearest snapshot at or before it (from a per-room index kept in memory) plus the document updates after it,
/// applied to a fresh CRDT document, and the small events folded up to that moment.
/// Access: the interviewer's and the observer's link tokens; the candidate's link does not open the replay.
/// </summary>
public sealed class RoomReplay(IEventStore store)
{
    /// <summary>The shared Y.Text y-monaco binds (the room's RoomDocument.TextName).</summary>
    public const string TextName = "monaco";

    public const int MaxPage = 1000;
    private const int CachedRooms = 16;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Entry(RoomTimeline timeline)
    {
        public RoomTimeline Timeline { get; } = timeline;
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    private readonly ConcurrentDictionary<Guid, Entry> _rooms = new();

    /// <summary>
    /// Checks a link token (and/or the signed-in caller) with the rooms' one access rule, <see cref="RoomAccess.Resolve"/>, so
    /// revoked, expired and sign-in-guarded links are refused here as in the room; throws <see cref="ReplayException"/> when refused.
    /// A signed-in interviewer of the room (or an admin) replays without a link.
    /// </summary>
    public async Task<ReplayGrant> AuthorizeAsync(Guid roomId, string? token, RoomCaller caller, DateTimeOffset now, CancellationToken ct)
    {
        var (_, role, error) = await RoomAccessReader.ResolveAsync(store, roomId, token, caller, now, ct);
        if (error is not null)
            throw new ReplayException(error.Code switch
            {
                "room-not-found" => ReplayRefusal.RoomNotFound,
                "token-required" => ReplayRefusal.NoToken,
                "invalid-token" => ReplayRefusal.InvalidToken,
                _ => ReplayRefusal.AccessRefused,
            }, error.Code == "token-required"
                ? "Replay needs the room's interviewer or observer link token (header X-Room-Token or '?token='), or a signed-in interviewer of the room."
                : error.Message, error.Code);
        return role switch
        {
            ParticipantRole.Candidate => throw new ReplayException(ReplayRefusal.RoleMayNotReplay,
                "The candidate's link cannot replay the interview; replay is for the hiring team (interviewer and observer links)."),
            ParticipantRole.Interviewer => new ReplayGrant(roomId, role.Value, ReplayAudience.Full),
            _ => new ReplayGrant(roomId, role!.Value, ReplayAudience.Restricted),
        };
    }

    /// <summary>The events from <paramref name="from"/> (a revision), at most <paramref name="count"/>, as stored, less what the audience may not see.</summary>
    public async Task<ReplayEventsPage> EventsAsync(ReplayGrant grant, long from, int count, CancellationToken ct)
    {
        if (from < 0) throw new ReplayException(ReplayRefusal.BadRequest, $"'from' is a stream revision, 0 or more; got {from}.");
        if (count is < 1 or > MaxPage) throw new ReplayException(ReplayRefusal.BadRequest, $"'count' must be from 1 to {MaxPage}; got {count}.");
        var timeline = await TimelineAsync(grant.RoomId, ct);
        var events = new List<ReplayEventView>(Math.Min(count, 256));
        await foreach (var r in store.ReadStreamAsync(timeline.Stream, from, Direction.Forwards, count, ct))
            events.Add(View(r, grant.Audience));
        var last = Math.Max(timeline.LastRevision, events.Count > 0 ? events[^1].Revision : -1);
        long? next = events.Count > 0 && events[^1].Revision < last ? events[^1].Revision + 1 : null;
        return new ReplayEventsPage(grant.RoomId, from, events.Count, last, next, events);
    }

    /// <summary>The room at <paramref name="point"/>: text, language, cursors, chat, runs, signals.</summary>
    public async Task<ReplayState> StateAsync(ReplayGrant grant, ReplayPoint point, bool includeDocument, CancellationToken ct)
    {
        var entry = EntryFor(grant.RoomId);
        await entry.Gate.WaitAsync(ct);
        try
        {
            var timeline = entry.Timeline;
            await timeline.CatchUpAsync(store, ct);
            var revision = point switch
            {
                ReplayPoint.AtRevision r when r.Revision < 0 || r.Revision > timeline.LastRevision => throw new ReplayException(ReplayRefusal.BadRequest,
                    $"Revision {r.Revision} is outside this room's stream, which runs from 0 to {timeline.LastRevision}."),
                ReplayPoint.AtRevision r => r.Revision,
                ReplayPoint.AtTime t => timeline.RevisionAt(t.Time) is var at and >= 0 ? at : throw new ReplayException(ReplayRefusal.BadRequest,
                    $"{t.Time:O} is before the room was created ({timeline.TimeOf(0):O})."),
                _ => timeline.LastRevision,
            };
            return await StateAtAsync(timeline, revision, grant.Audience, includeDocument, ct);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>The scrubber's markers and the stream's extent.</summary>
    public async Task<ReplayTimelineView> TimelineViewAsync(ReplayGrant grant, CancellationToken ct)
    {
        var timeline = await TimelineAsync(grant.RoomId, ct);
        var fold = ReplayFold.Of(timeline.Events);
        return new ReplayTimelineView(grant.RoomId, fold.Title, timeline.LastRevision,
            timeline.LastRevision >= 0 ? timeline.TimeOf(0) : null, timeline.LastRevision >= 0 ? timeline.TimeOf(timeline.LastRevision) : null,
            timeline.DocumentUpdates, timeline.Snapshots.Count, fold.MarkersFor(grant.Audience));
    }

    /// <summary>The room's private notes so far, oldest first, for an interviewer's grant; anyone else is refused.</summary>
    public async Task<IReadOnlyList<ReplayNote>> NotesAsync(ReplayGrant grant, CancellationToken ct)
    {
        if (grant.Audience != ReplayAudience.Full) throw new ReplayException(ReplayRefusal.RoleMayNotReplay, PrivateNoteRules.InterviewersOnly.Message);
        var entry = EntryFor(grant.RoomId);
        await entry.Gate.WaitAsync(ct);
        try
        {
            await entry.Timeline.CatchUpAsync(store, ct);
            return ReplayFold.Of(entry.Timeline.Events).Notes(grant.Audience);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>The caught-up index of a room, for callers that only read it (the summary).</summary>
    public async Task<RoomTimeline> TimelineAsync(Guid roomId, CancellationToken ct)
    {
        var entry = EntryFor(roomId);
        await entry.Gate.WaitAsync(ct);
        try
        {
            await entry.Timeline.CatchUpAsync(store, ct);
            return entry.Timeline;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<ReplayState> StateAtAsync(RoomTimeline timeline, long revision, ReplayAudience audience, bool includeDocument, CancellationToken ct)
    {
        var doc = await DocumentAtAsync(timeline, revision, ct);
        var fold = ReplayFold.Of(timeline.EventsThrough(revision));
        var participants = fold.Participants.ToDictionary(p => p.ParticipantId);
        var cursors = timeline.CursorsAt(revision)
            .Where(c => c.Mark.Cursor is not null)
            .Select(c =>
            {
                var p = participants.GetValueOrDefault(c.Mark.ParticipantId);
                return new ReplayCursor(c.ClientId, c.Mark.ParticipantId, p?.Name ?? "someone", p?.Color ?? "#888888", c.Mark.Cursor, c.Mark.SelectionStart, c.Mark.SelectionEnd);
            })
            .OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.ClientId)
            .ToList();
        return new ReplayState(timeline.RoomId, revision, timeline.TimeOf(revision), timeline.LastRevision, fold.Title, doc.GetText(TextName).ToString(),
            fold.Language, fold.Participants.ToList(), cursors, fold.Chat, fold.Runs(audience), fold.Signals,
            includeDocument ? Convert.ToBase64String(doc.EncodeStateAsUpdate()) : null, fold.Notes(audience));
    }

    /// <summary>The document holding exactly the updates at or below <paramref name="revision"/>: the nearest snapshot plus the updates after it.</summary>
    public async Task<Doc> DocumentAtAsync(RoomTimeline timeline, long revision, CancellationToken ct)
    {
        var doc = new Doc(clientId: 0, gc: true);
        var from = 0L;
        if (timeline.SnapshotFor(revision) is { } snapshot)
        {
            await foreach (var r in store.ReadStreamAsync(timeline.Stream, snapshot.Revision, Direction.Forwards, 1, ct))
                doc.ApplyUpdate(((DocumentSnapshotTaken)RoomEventCodec.Decode(r)!).State);
            from = snapshot.CoversRevision + 1;
        }
        if (from > revision) return doc;
        await foreach (var r in store.ReadStreamAsync(timeline.Stream, from, Direction.Forwards, checked((int)(revision - from + 1)), ct))
            if (r.Type == RoomTimeline.DocumentUpdated)
                doc.ApplyUpdate(((DocumentUpdated)RoomEventCodec.Decode(r)!).Update);
        return doc;
    }

    private static ReplayEventView View(RecordedEvent r, ReplayAudience audience)
    {
        if (audience == ReplayAudience.Restricted)
        {
            if (PrivateNoteRules.IsPrivate(r.Type))
                return new ReplayEventView(r.Revision, r.Type, r.RecordedAt, null, Redacted: true);
            if (r.Type == ReplayRunEvents.Requested)
            {
                var requested = ((RunRequestedRecord)ReplayRunEvents.Decode(r.Type, r.Data.Span)!).WithoutHiddenData();
                return new ReplayEventView(r.Revision, r.Type, r.RecordedAt, JsonSerializer.SerializeToElement(requested, Json), Redacted: false);
            }
        }
        using var json = JsonDocument.Parse(r.Data);
        return new ReplayEventView(r.Revision, r.Type, r.RecordedAt, json.RootElement.Clone(), Redacted: false);
    }

    private Entry EntryFor(Guid roomId)
    {
        var entry = _rooms.GetOrAdd(roomId, id => new Entry(new RoomTimeline(id)));
        entry.Timeline.LastUsedTicks = Environment.TickCount64;
        if (_rooms.Count > CachedRooms)
        {
            // Drop the least recently used index; it is rebuilt from the stream if that room is replayed again.
            var oldest = _rooms.Where(p => p.Key != roomId).MinBy(p => p.Value.Timeline.LastUsedTicks);
            if (oldest.Value is not null) _rooms.TryRemove(oldest.Key, out _);
        }
        return entry;
    }
}
