using Dapper;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Timeline;

public sealed class TimelineRow
{
    public string RoomId { get; set; } = "";
    /// <summary>Global position of the event: unique, and the order of the timeline.</summary>
    public long Position { get; set; }
    /// <summary>Revision in the room stream, which replay seeks by.</summary>
    public long Revision { get; set; }
    public DateTimeOffset At { get; set; }
    public string Kind { get; set; } = "";
    public string? ParticipantId { get; set; }
    public string? Name { get; set; }
    public string? RunId { get; set; }
    public string? Verdict { get; set; }
    public string? Detail { get; set; }
}

public static class TimelineKinds
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Chat = "chat";
    public const string RunRequested = "run-requested";
    public const string RunCompleted = "run-completed";
    public const string Paste = "paste";
    public const string FocusLost = "focus-lost";
    public const string FocusRegained = "focus-regained";
    public const string LanguageChanged = "language-changed";
}

/// <summary>A timeline per interview room (joins, runs with verdicts, chat, pastes, focus, language) for replay's markers.</summary>
public sealed class TimelineProjection : Projection
{
    private const int MaxDetail = 280;
    private static readonly TableMap<TimelineRow> Table = new("timeline", nameof(TimelineRow.RoomId), nameof(TimelineRow.Position));

    public override string Name => "timeline";

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.ParticipantJoined, WireNames.ParticipantLeft, WireNames.ChatMessagePosted, WireNames.RunRequested,
        WireNames.RunCompleted, WireNames.PasteDetected, WireNames.FocusChanged, WireNames.LanguageChanged,
    ];

    public override IReadOnlyList<string> Tables { get; } = ["timeline"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0600-timeline", """
            CREATE TABLE IF NOT EXISTS timeline (
                room_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                revision BIGINT NOT NULL,
                at {ts} NOT NULL,
                kind TEXT NOT NULL,
                participant_id TEXT NULL,
                name TEXT NULL,
                run_id TEXT NULL,
                verdict TEXT NULL,
                detail TEXT NULL,
                PRIMARY KEY (room_id, position)
            )
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var rows = new List<TimelineRow>(batch.Count);
        foreach (var e in batch)
        {
            var row = new TimelineRow { RoomId = WireFormat.RequireRoomId(e), Position = e.GlobalPosition, Revision = e.Revision };
            switch (e.Type)
            {
                case WireNames.ParticipantJoined:
                {
                    var ev = WireFormat.Read<ParticipantJoinedV1>(e);
                    (row.At, row.Kind, row.ParticipantId, row.Name, row.Detail) = (ev.At, TimelineKinds.Joined, ev.ParticipantId.ToString(), ev.Name, ev.Role);
                    break;
                }
                case WireNames.ParticipantLeft:
                {
                    var ev = WireFormat.Read<ParticipantLeftV1>(e);
                    (row.At, row.Kind, row.ParticipantId) = (ev.At, TimelineKinds.Left, ev.ParticipantId.ToString());
                    break;
                }
                case WireNames.ChatMessagePosted:
                {
                    var ev = WireFormat.Read<ChatMessagePostedV1>(e);
                    (row.At, row.Kind, row.ParticipantId, row.Name, row.Detail) = (ev.At, TimelineKinds.Chat, ev.ParticipantId.ToString(), ev.Name, Clip(ev.Text));
                    break;
                }
                case WireNames.RunRequested:
                {
                    var ev = WireFormat.Read<RunRequestedV1>(e);
                    (row.At, row.Kind, row.ParticipantId, row.RunId, row.Detail) = (ev.At, TimelineKinds.RunRequested, ev.ParticipantKey, ev.RunId, ev.Language);
                    break;
                }
                case WireNames.RunCompleted:
                {
                    var ev = WireFormat.Read<RunCompletedV1>(e);
                    var tests = ev.Tests ?? [];
                    (row.At, row.Kind, row.RunId, row.Verdict) = (ev.At, TimelineKinds.RunCompleted, ev.RunId, ev.Verdict);
                    row.Detail = tests.Count == 0 ? null : $"{tests.Count(t => t.Passed)}/{tests.Count} tests passed";
                    break;
                }
                case WireNames.PasteDetected:
                {
                    var ev = WireFormat.Read<PasteDetectedV1>(e);
                    (row.At, row.Kind, row.ParticipantId, row.Detail) = (ev.At, TimelineKinds.Paste, ev.ParticipantId.ToString(), $"{ev.Size} characters");
                    break;
                }
                case WireNames.FocusChanged:
                {
                    var ev = WireFormat.Read<FocusChangedV1>(e);
                    (row.At, row.Kind, row.ParticipantId) = (ev.At, ev.Focused ? TimelineKinds.FocusRegained : TimelineKinds.FocusLost, ev.ParticipantId.ToString());
                    break;
                }
                case WireNames.LanguageChanged:
                {
                    var ev = WireFormat.Read<LanguageChangedV1>(e);
                    (row.At, row.Kind, row.ParticipantId, row.Detail) = (ev.At, TimelineKinds.LanguageChanged, ev.ParticipantId.ToString(), ev.Language);
                    break;
                }
                default:
                    continue;
            }
            rows.Add(row);
        }
        if (rows.Count > 0)
            await ctx.Connection.ExecuteAsync(new CommandDefinition(Table.UpsertSql, rows, ctx.Transaction, cancellationToken: ctx.CancellationToken));
    }

    private static string Clip(string text) => text.Length <= MaxDetail ? text : text[..(MaxDetail - 1)] + "…";
}
