using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Rooms;

public sealed class RoomRow
{
    public string RoomId { get; set; } = "";
    public string? InterviewId { get; set; }
    public string Title { get; set; } = "";
    public string Status { get; set; } = RoomStatus.Open;
    public string Language { get; set; } = "";
    public string? QuestionId { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public double? DurationSeconds { get; set; }
    public long ParticipantCount { get; set; }
    public long OnlineCount { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }
}

public sealed class RoomParticipantRow
{
    public string RoomId { get; set; } = "";
    public string ParticipantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset? FirstJoinedAt { get; set; }
    public DateTimeOffset? LastLeftAt { get; set; }
    public long Joins { get; set; }
    public long Online { get; set; }
}

public static class RoomStatus
{
    public const string Open = "open";
    public const string Scheduled = "scheduled";
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Cancelled = "cancelled";
}

/// <summary>Interviews and rooms: one row per room (an interview is scheduled into a room), plus who took part.</summary>
public sealed class RoomsProjection : Projection
{
    private static readonly TableMap<RoomRow> RoomTable = new("rooms", nameof(RoomRow.RoomId));
    private static readonly TableMap<RoomParticipantRow> ParticipantTable = new("room_participants", nameof(RoomParticipantRow.RoomId), nameof(RoomParticipantRow.ParticipantId));

    public override string Name => "rooms";

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.RoomCreated, WireNames.ParticipantJoined, WireNames.ParticipantLeft, WireNames.LanguageChanged,
        WireNames.QuestionSelected, WireNames.RoomClosed, WireNames.InterviewScheduled, WireNames.InterviewStarted,
        WireNames.InterviewEnded, WireNames.InterviewCancelled,
    ];

    public override IReadOnlyList<string> Tables { get; } = ["room_participants", "rooms"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0100-rooms", """
            CREATE TABLE IF NOT EXISTS rooms (
                room_id TEXT PRIMARY KEY,
                interview_id TEXT NULL,
                title TEXT NOT NULL,
                status TEXT NOT NULL,
                language TEXT NOT NULL,
                question_id TEXT NULL,
                created_at {ts} NULL,
                scheduled_for {ts} NULL,
                started_at {ts} NULL,
                ended_at {ts} NULL,
                duration_seconds DOUBLE PRECISION NULL,
                participant_count BIGINT NOT NULL,
                online_count BIGINT NOT NULL,
                last_activity_at {ts} NULL
            );
            CREATE INDEX IF NOT EXISTS ix_rooms_interview ON rooms (interview_id);
            CREATE INDEX IF NOT EXISTS ix_rooms_created ON rooms (created_at);
            CREATE TABLE IF NOT EXISTS room_participants (
                room_id TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                first_joined_at {ts} NULL,
                last_left_at {ts} NULL,
                joins BIGINT NOT NULL,
                online BIGINT NOT NULL,
                PRIMARY KEY (room_id, participant_id)
            )
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var rooms = new RowCache<string, RoomRow>(RoomTable, id => new RoomRow { RoomId = id });
        var people = new RowCache<(string Room, string Participant), RoomParticipantRow>(ParticipantTable,
            k => new RoomParticipantRow { RoomId = k.Room, ParticipantId = k.Participant });
        var roomOfInterview = new Dictionary<string, string>();

        async Task<RoomRow?> RoomOfInterviewAsync(Guid interviewId)
        {
            var key = interviewId.ToString();
            if (!roomOfInterview.TryGetValue(key, out var roomId))
            {
                roomId = rooms.Cached.FirstOrDefault(r => r.InterviewId == key)?.RoomId
                         ?? await Dapper.SqlMapper.QueryFirstOrDefaultAsync<string?>(ctx.Connection,
                             "SELECT room_id FROM rooms WHERE interview_id = @key", new { key }, ctx.Transaction);
                if (roomId is null) return null; // an interview event for an interview never scheduled into a room
                roomOfInterview[key] = roomId;
            }
            return await rooms.GetAsync(roomId, ctx);
        }

        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case WireNames.RoomCreated:
                {
                    var ev = WireFormat.Read<RoomCreatedV1>(e);
                    var r = await rooms.GetAsync(ev.RoomId.ToString(), ctx);
                    r.Title = ev.Title;
                    r.Language = ev.Language;
                    r.CreatedAt = ev.At;
                    r.LastActivityAt = Max(r.LastActivityAt, ev.At);
                    break;
                }
                case WireNames.ParticipantJoined:
                {
                    var ev = WireFormat.Read<ParticipantJoinedV1>(e);
                    var r = await rooms.GetAsync(WireFormat.RequireRoomId(e), ctx);
                    var p = await people.GetAsync((r.RoomId, ev.ParticipantId.ToString()), ctx);
                    if (p.Joins == 0) r.ParticipantCount++;
                    if (p.Online == 0) r.OnlineCount++;
                    p.Name = ev.Name;
                    p.Role = ev.Role;
                    p.Joins++;
                    p.Online = 1;
                    p.FirstJoinedAt ??= ev.At;
                    if (r.StartedAt is null && r.Status is RoomStatus.Open or RoomStatus.Scheduled)
                    {
                        r.StartedAt = ev.At;
                        r.Status = RoomStatus.Active;
                    }
                    r.LastActivityAt = Max(r.LastActivityAt, ev.At);
                    break;
                }
                case WireNames.ParticipantLeft:
                {
                    var ev = WireFormat.Read<ParticipantLeftV1>(e);
                    var r = await rooms.GetAsync(WireFormat.RequireRoomId(e), ctx);
                    var p = await people.FindAsync((r.RoomId, ev.ParticipantId.ToString()), ctx);
                    if (p is { Online: 1 })
                    {
                        p.Online = 0;
                        r.OnlineCount = Math.Max(0, r.OnlineCount - 1);
                    }
                    if (p is not null) p.LastLeftAt = ev.At;
                    r.LastActivityAt = Max(r.LastActivityAt, ev.At);
                    break;
                }
                case WireNames.LanguageChanged:
                {
                    var ev = WireFormat.Read<LanguageChangedV1>(e);
                    var r = await rooms.GetAsync(WireFormat.RequireRoomId(e), ctx);
                    r.Language = ev.Language;
                    r.LastActivityAt = Max(r.LastActivityAt, ev.At);
                    break;
                }
                case WireNames.QuestionSelected:
                {
                    var ev = WireFormat.Read<QuestionSelectedV1>(e);
                    var r = await rooms.GetAsync(WireFormat.RequireRoomId(e), ctx);
                    r.QuestionId = ev.QuestionId.ToString();
                    break;
                }
                case WireNames.RoomClosed:
                {
                    var ev = WireFormat.Read<RoomClosedV1>(e);
                    End(await rooms.GetAsync(WireFormat.RequireRoomId(e), ctx), ev.At, RoomStatus.Ended);
                    break;
                }
                case WireNames.InterviewScheduled:
                {
                    var ev = WireFormat.Read<InterviewScheduledV1>(e);
                    var r = await rooms.GetAsync(ev.RoomId.ToString(), ctx);
                    r.InterviewId = ev.InterviewId.ToString();
                    roomOfInterview[r.InterviewId] = r.RoomId;
                    r.Title = ev.Title;
                    r.ScheduledFor = ev.ScheduledFor;
                    if (ev.QuestionId is { } q) r.QuestionId = q.ToString();
                    if (r.Status == RoomStatus.Open) r.Status = RoomStatus.Scheduled;
                    break;
                }
                case WireNames.InterviewStarted:
                {
                    var ev = WireFormat.Read<InterviewStartedV1>(e);
                    if (await RoomOfInterviewAsync(ev.InterviewId) is not { } r) break;
                    // The interviewer's explicit start wins over the first join.
                    r.StartedAt = ev.At;
                    if (r.Status is RoomStatus.Open or RoomStatus.Scheduled) r.Status = RoomStatus.Active;
                    break;
                }
                case WireNames.InterviewEnded:
                {
                    var ev = WireFormat.Read<InterviewEndedV1>(e);
                    if (await RoomOfInterviewAsync(ev.InterviewId) is { } r) End(r, ev.At, RoomStatus.Ended);
                    break;
                }
                case WireNames.InterviewCancelled:
                {
                    var ev = WireFormat.Read<InterviewCancelledV1>(e);
                    if (await RoomOfInterviewAsync(ev.InterviewId) is { } r) End(r, ev.At, RoomStatus.Cancelled);
                    break;
                }
            }
        }
        await rooms.FlushAsync(ctx);
        await people.FlushAsync(ctx);
    }

    private static void End(RoomRow r, DateTimeOffset at, string status)
    {
        if (r.EndedAt is not null) return;
        r.EndedAt = at;
        r.Status = status;
        r.DurationSeconds = r.StartedAt is { } s ? Math.Max(0, (at - s).TotalSeconds) : null;
        r.LastActivityAt = Max(r.LastActivityAt, at);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
