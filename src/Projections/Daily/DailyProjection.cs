using System.Globalization;
using Dapper;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Daily;

public sealed class DailyStatsRow
{
    /// <summary>The UTC day, yyyy-MM-dd.</summary>
    public string Day { get; set; } = "";
    public long RoomsCreated { get; set; }
    public long InterviewsStarted { get; set; }
    public long InterviewsEnded { get; set; }
    public long Runs { get; set; }
    public long RunsPassed { get; set; }
    public long ChatMessages { get; set; }
    public long Edits { get; set; }
    public long ActiveUsers { get; set; }
}

/// <summary>Daily aggregates (UTC days): rooms, interviews, runs, chat, edits and distinct active participants.</summary>
public sealed class DailyProjection : Projection
{
    private static readonly TableMap<DailyStatsRow> DayTable = new("daily_stats", nameof(DailyStatsRow.Day));

    public override string Name => "daily";

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.RoomCreated, WireNames.InterviewStarted, WireNames.InterviewEnded, WireNames.RunRequested, WireNames.RunCompleted,
        WireNames.ChatMessagePosted, WireNames.DocumentUpdated, WireNames.ParticipantJoined,
    ];

    /// <summary>Fed by every keystroke and cursor move: a second's worth per batch writes each row once, not ten times.</summary>
    public override TimeSpan MinimumLiveBatchDelay => TimeSpan.FromSeconds(1);

    public override IReadOnlyList<string> Tables { get; } = ["daily_active_users", "daily_stats"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0500-daily", """
            CREATE TABLE IF NOT EXISTS daily_stats (
                day TEXT PRIMARY KEY,
                rooms_created BIGINT NOT NULL,
                interviews_started BIGINT NOT NULL,
                interviews_ended BIGINT NOT NULL,
                runs BIGINT NOT NULL,
                runs_passed BIGINT NOT NULL,
                chat_messages BIGINT NOT NULL,
                edits BIGINT NOT NULL,
                active_users BIGINT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS daily_active_users (
                day TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                PRIMARY KEY (day, participant_id)
            )
            """),
    ];

    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var days = new RowCache<string, DailyStatsRow>(DayTable, d => new DailyStatsRow { Day = d });
        var active = new HashSet<(string Day, string Participant)>();

        Task<DailyStatsRow> DayAsync(DateTimeOffset at) => days.GetAsync(DayOf(at), ctx);

        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case WireNames.RoomCreated:
                    (await DayAsync(WireFormat.Read<RoomCreatedV1>(e).At)).RoomsCreated++;
                    break;
                case WireNames.InterviewStarted:
                    (await DayAsync(WireFormat.Read<InterviewStartedV1>(e).At)).InterviewsStarted++;
                    break;
                case WireNames.InterviewEnded:
                    (await DayAsync(WireFormat.Read<InterviewEndedV1>(e).At)).InterviewsEnded++;
                    break;
                case WireNames.RunRequested:
                {
                    var ev = WireFormat.Read<RunRequestedV1>(e);
                    (await DayAsync(ev.At)).Runs++;
                    active.Add((DayOf(ev.At), ev.ParticipantKey));
                    break;
                }
                case WireNames.RunCompleted:
                {
                    var ev = WireFormat.Read<RunCompletedV1>(e);
                    if (ev.IsPassing) (await DayAsync(ev.At)).RunsPassed++;
                    break;
                }
                case WireNames.ChatMessagePosted:
                {
                    var ev = WireFormat.Read<ChatMessagePostedV1>(e);
                    (await DayAsync(ev.At)).ChatMessages++;
                    active.Add((DayOf(ev.At), ev.ParticipantId.ToString()));
                    break;
                }
                case WireNames.DocumentUpdated:
                {
                    var ev = WireFormat.Read<DocumentUpdatedV1>(e);
                    (await DayAsync(ev.At)).Edits++;
                    active.Add((DayOf(ev.At), ev.ParticipantId.ToString()));
                    break;
                }
                case WireNames.ParticipantJoined:
                {
                    var ev = WireFormat.Read<ParticipantJoinedV1>(e);
                    await DayAsync(ev.At);
                    active.Add((DayOf(ev.At), ev.ParticipantId.ToString()));
                    break;
                }
            }
        }

        foreach (var (day, participant) in active)
        {
            var added = await ctx.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO daily_active_users (day, participant_id) VALUES (@day, @participant) ON CONFLICT (day, participant_id) DO NOTHING",
                new { day, participant }, ctx.Transaction, cancellationToken: ctx.CancellationToken));
            if (added == 1) (await days.GetAsync(day, ctx)).ActiveUsers++;
        }
        await days.FlushAsync(ctx);
    }
}
