using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Activity;

public sealed class ParticipantActivityRow
{
    public string RoomId { get; set; } = "";
    public string ParticipantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset? JoinedAt { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }
    public long Edits { get; set; }
    public long CharsInserted { get; set; }
    public long CharsDeleted { get; set; }
    public long LargestInsert { get; set; }
    public long UndecodedUpdates { get; set; }
    public long Pastes { get; set; }
    public long LargePastes { get; set; }
    public long PastedChars { get; set; }
    public long CursorMoves { get; set; }
    public long IdlePeriods { get; set; }
    public double IdleSeconds { get; set; }
    public long FocusLosses { get; set; }
    public long ChatMessages { get; set; }
    public long Runs { get; set; }
    public DateTimeOffset? FirstRunAt { get; set; }
    public double? SecondsToFirstRun { get; set; }
    public DateTimeOffset? FirstPassAt { get; set; }
    public long? RunsUntilFirstPass { get; set; }
}

/// <summary>Which participant asked for a run, and it was their how-manieth: completions carry only the run id.</summary>
public sealed class ActivityRunRow
{
    public string RunId { get; set; } = "";
    public string RoomId { get; set; } = "";
    public string ParticipantId { get; set; } = "";
    public long Ordinal { get; set; }
}

/// <summary>Participant activity per interview: edits and characters, pastes, cursor moves, idle periods, focus, chat, runs.</summary>
public sealed class ActivityProjection : Projection
{
    /// <summary>A gap between two actions of one participant at least this long is an idle period.</summary>
    public static readonly TimeSpan IdleThreshold = TimeSpan.FromSeconds(60);

    /// <summary>A paste of at least this many characters is a large paste.</summary>
    public const int LargePasteCharacters = 100;

    private static readonly TableMap<ParticipantActivityRow> ActivityTable = new("participant_activity", nameof(ParticipantActivityRow.RoomId), nameof(ParticipantActivityRow.ParticipantId));
    private static readonly TableMap<ActivityRunRow> RunTable = new("activity_runs", nameof(ActivityRunRow.RunId));

    public override string Name => "activity";

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.ParticipantJoined, WireNames.DocumentUpdated, WireNames.AwarenessUpdated, WireNames.ChatMessagePosted,
        WireNames.PasteDetected, WireNames.FocusChanged, WireNames.RunRequested, WireNames.RunCompleted,
    ];

    /// <summary>Fed by every keystroke and cursor move: a second's worth per batch writes each row once, not ten times.</summary>
    public override TimeSpan MinimumLiveBatchDelay => TimeSpan.FromSeconds(1);

    public override IReadOnlyList<string> Tables { get; } = ["activity_runs", "participant_activity"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0300-participant-activity", """
            CREATE TABLE IF NOT EXISTS participant_activity (
                room_id TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                joined_at {ts} NULL,
                last_activity_at {ts} NULL,
                edits BIGINT NOT NULL,
                chars_inserted BIGINT NOT NULL,
                chars_deleted BIGINT NOT NULL,
                largest_insert BIGINT NOT NULL,
                undecoded_updates BIGINT NOT NULL,
                pastes BIGINT NOT NULL,
                large_pastes BIGINT NOT NULL,
                pasted_chars BIGINT NOT NULL,
                cursor_moves BIGINT NOT NULL,
                idle_periods BIGINT NOT NULL,
                idle_seconds DOUBLE PRECISION NOT NULL,
                focus_losses BIGINT NOT NULL,
                chat_messages BIGINT NOT NULL,
                runs BIGINT NOT NULL,
                first_run_at {ts} NULL,
                seconds_to_first_run DOUBLE PRECISION NULL,
                first_pass_at {ts} NULL,
                runs_until_first_pass BIGINT NULL,
                PRIMARY KEY (room_id, participant_id)
            );
            CREATE TABLE IF NOT EXISTS activity_runs (
                run_id TEXT PRIMARY KEY,
                room_id TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                ordinal BIGINT NOT NULL
            )
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var people = new RowCache<(string Room, string Participant), ParticipantActivityRow>(ActivityTable,
            k => new ParticipantActivityRow { RoomId = k.Room, ParticipantId = k.Participant });
        var runs = new RowCache<string, ActivityRunRow>(RunTable, id => new ActivityRunRow { RunId = id });
        // A second of keystrokes touches nearly every participant of its rooms: one query loads them all.
        await people.PreloadWhereAsync(batch.Select(e => WireFormat.RoomIdOf(e.Stream)).OfType<string>(), "room_id",
            r => (r.RoomId, r.ParticipantId), ctx);

        async Task<ParticipantActivityRow> ActAsync(RecordedEvent e, string participant, DateTimeOffset at)
        {
            var p = await people.GetAsync((WireFormat.RequireRoomId(e), participant), ctx);
            if (p.LastActivityAt is { } last && at - last >= IdleThreshold)
            {
                p.IdlePeriods++;
                p.IdleSeconds += (at - last).TotalSeconds;
            }
            if (p.LastActivityAt is null || at > p.LastActivityAt) p.LastActivityAt = at;
            return p;
        }

        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case WireNames.ParticipantJoined:
                {
                    var ev = WireFormat.Read<ParticipantJoinedV1>(e);
                    var p = await people.GetAsync((WireFormat.RequireRoomId(e), ev.ParticipantId.ToString()), ctx);
                    p.Name = ev.Name;
                    p.Role = ev.Role;
                    p.JoinedAt ??= ev.At;
                    p.LastActivityAt = ev.At; // time away between a leave and this join is not idleness
                    break;
                }
                case WireNames.DocumentUpdated:
                {
                    var ev = WireFormat.Read<DocumentUpdatedV1>(e);
                    if (ev.ParticipantId == Guid.Empty) break; // the server's own edit (a question's starter code): nobody's activity
                    var p = await ActAsync(e, ev.ParticipantId.ToString(), ev.At);
                    p.Edits++;
                    if (YjsUpdateStats.TryRead(ev.Update) is { } stats)
                    {
                        p.CharsInserted += stats.Inserted;
                        p.CharsDeleted += stats.Deleted;
                        p.LargestInsert = Math.Max(p.LargestInsert, stats.Inserted);
                    }
                    else p.UndecodedUpdates++;
                    break;
                }
                case WireNames.AwarenessUpdated:
                {
                    var ev = WireFormat.Read<AwarenessUpdatedV1>(e);
                    (await ActAsync(e, ev.ParticipantId.ToString(), ev.At)).CursorMoves++;
                    break;
                }
                case WireNames.ChatMessagePosted:
                {
                    var ev = WireFormat.Read<ChatMessagePostedV1>(e);
                    (await ActAsync(e, ev.ParticipantId.ToString(), ev.At)).ChatMessages++;
                    break;
                }
                case WireNames.PasteDetected:
                {
                    var ev = WireFormat.Read<PasteDetectedV1>(e);
                    var p = await ActAsync(e, ev.ParticipantId.ToString(), ev.At);
                    p.Pastes++;
                    p.PastedChars += Math.Max(0, ev.Size);
                    if (ev.Size >= LargePasteCharacters) p.LargePastes++;
                    break;
                }
                case WireNames.FocusChanged:
                {
                    var ev = WireFormat.Read<FocusChangedV1>(e);
                    var p = await people.GetAsync((WireFormat.RequireRoomId(e), ev.ParticipantId.ToString()), ctx);
                    if (!ev.Focused) p.FocusLosses++;
                    break;
                }
                case WireNames.RunRequested:
                {
                    var ev = WireFormat.Read<RunRequestedV1>(e);
                    var p = await ActAsync(e, ev.ParticipantKey, ev.At);
                    p.Runs++;
                    if (p.FirstRunAt is null)
                    {
                        p.FirstRunAt = ev.At;
                        p.SecondsToFirstRun = p.JoinedAt is { } j ? Math.Max(0, (ev.At - j).TotalSeconds) : null;
                    }
                    runs.Add(ev.RunId, new ActivityRunRow { RunId = ev.RunId, RoomId = p.RoomId, ParticipantId = p.ParticipantId, Ordinal = p.Runs });
                    break;
                }
                case WireNames.RunCompleted:
                {
                    var ev = WireFormat.Read<RunCompletedV1>(e);
                    if (!ev.IsPassing) break;
                    if (await runs.FindAsync(ev.RunId, ctx) is not { } run) break; // completion of a run requested before history began
                    var p = await people.GetAsync((run.RoomId, run.ParticipantId), ctx);
                    if (p.FirstPassAt is null)
                    {
                        p.FirstPassAt = ev.At;
                        p.RunsUntilFirstPass = run.Ordinal;
                    }
                    break;
                }
            }
        }
        await people.FlushAsync(ctx);
        await runs.FlushAsync(ctx);
    }
}
