using Dapper;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Questions;

public sealed class QuestionRow
{
    public string QuestionId { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Difficulty { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public long TimesUsed { get; set; }
    public long Passes { get; set; }
    public double? PassRate { get; set; }
    public double? MedianSecondsToPass { get; set; }
}

/// <summary>One use of a question: the room it was asked in, when work started and when the first passing run came.</summary>
public sealed class QuestionAttemptRow
{
    public string RoomId { get; set; } = "";
    public string? QuestionId { get; set; }
    public string? InterviewId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public long Runs { get; set; }
    public DateTimeOffset? FirstPassAt { get; set; }
    public double? SecondsToPass { get; set; }
}

/// <summary>Questions: times used, pass rate and median time to a passing run, derived from one attempt row per room.</summary>
public sealed class QuestionsProjection : Projection
{
    private static readonly TableMap<QuestionRow> QuestionTable = new("questions", nameof(QuestionRow.QuestionId));
    private static readonly TableMap<QuestionAttemptRow> AttemptTable = new("question_attempts", nameof(QuestionAttemptRow.RoomId));

    public override string Name => "questions";

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.QuestionCreated, WireNames.QuestionRenamed, WireNames.InterviewScheduled, WireNames.InterviewStarted,
        WireNames.QuestionSelected, WireNames.ParticipantJoined, WireNames.RunRequested, WireNames.RunCompleted,
    ];

    public override IReadOnlyList<string> Tables { get; } = ["question_attempts", "questions"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0400-questions", """
            CREATE TABLE IF NOT EXISTS questions (
                question_id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                difficulty TEXT NULL,
                created_at {ts} NULL,
                times_used BIGINT NOT NULL,
                passes BIGINT NOT NULL,
                pass_rate DOUBLE PRECISION NULL,
                median_seconds_to_pass DOUBLE PRECISION NULL
            );
            CREATE TABLE IF NOT EXISTS question_attempts (
                room_id TEXT PRIMARY KEY,
                question_id TEXT NULL,
                interview_id TEXT NULL,
                started_at {ts} NULL,
                runs BIGINT NOT NULL,
                first_pass_at {ts} NULL,
                seconds_to_pass DOUBLE PRECISION NULL
            );
            CREATE INDEX IF NOT EXISTS ix_question_attempts_question ON question_attempts (question_id);
            CREATE INDEX IF NOT EXISTS ix_question_attempts_interview ON question_attempts (interview_id)
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var questions = new RowCache<string, QuestionRow>(QuestionTable, id => new QuestionRow { QuestionId = id });
        var attempts = new RowCache<string, QuestionAttemptRow>(AttemptTable, id => new QuestionAttemptRow { RoomId = id });
        var touched = new HashSet<string>();

        async Task<QuestionAttemptRow> AttemptAsync(RecordedEvent e) => await attempts.GetAsync(WireFormat.RequireRoomId(e), ctx);

        void Assign(QuestionAttemptRow a, string questionId)
        {
            if (a.QuestionId is { } previous) touched.Add(previous);
            a.QuestionId = questionId;
            touched.Add(questionId);
        }

        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case WireNames.QuestionCreated:
                {
                    var ev = WireFormat.Read<QuestionCreatedV1>(e);
                    var q = await questions.GetAsync(ev.QuestionId.ToString(), ctx);
                    q.Title = ev.Title;
                    q.Difficulty = ev.Difficulty;
                    q.CreatedAt = ev.At;
                    touched.Add(q.QuestionId);
                    break;
                }
                case WireNames.QuestionRenamed:
                {
                    var ev = WireFormat.Read<QuestionRenamedV1>(e);
                    (await questions.GetAsync(ev.QuestionId.ToString(), ctx)).Title = ev.Title;
                    touched.Add(ev.QuestionId.ToString());
                    break;
                }
                case WireNames.InterviewScheduled:
                {
                    var ev = WireFormat.Read<InterviewScheduledV1>(e);
                    var a = await attempts.GetAsync(ev.RoomId.ToString(), ctx);
                    a.InterviewId = ev.InterviewId.ToString();
                    if (ev.QuestionId is { } q) Assign(a, q.ToString());
                    break;
                }
                case WireNames.InterviewStarted:
                {
                    var ev = WireFormat.Read<InterviewStartedV1>(e);
                    var key = ev.InterviewId.ToString();
                    var roomId = attempts.Cached.FirstOrDefault(a => a.InterviewId == key)?.RoomId
                                 ?? await ctx.Connection.QueryFirstOrDefaultAsync<string?>(
                                     "SELECT room_id FROM question_attempts WHERE interview_id = @key", new { key }, ctx.Transaction);
                    if (roomId is null) break;
                    var attempt = await attempts.GetAsync(roomId, ctx);
                    attempt.StartedAt = ev.At; // the explicit start wins over the first join
                    break;
                }
                case WireNames.QuestionSelected:
                {
                    var ev = WireFormat.Read<QuestionSelectedV1>(e);
                    Assign(await AttemptAsync(e), ev.QuestionId.ToString());
                    break;
                }
                case WireNames.ParticipantJoined:
                {
                    var ev = WireFormat.Read<ParticipantJoinedV1>(e);
                    (await AttemptAsync(e)).StartedAt ??= ev.At;
                    break;
                }
                case WireNames.RunRequested:
                {
                    var a = await AttemptAsync(e);
                    if (a.FirstPassAt is null) a.Runs++;
                    break;
                }
                case WireNames.RunCompleted:
                {
                    var ev = WireFormat.Read<RunCompletedV1>(e);
                    if (!ev.IsPassing) break;
                    var a = await AttemptAsync(e);
                    if (a.FirstPassAt is not null) break;
                    a.FirstPassAt = ev.At;
                    a.SecondsToPass = a.StartedAt is { } s ? Math.Max(0, (ev.At - s).TotalSeconds) : null;
                    if (a.QuestionId is { } q) touched.Add(q);
                    break;
                }
            }
        }
        await attempts.FlushAsync(ctx);

        foreach (var id in touched)
        {
            var q = await questions.GetAsync(id, ctx);
            var uses = (await ctx.Connection.QueryAsync<QuestionAttemptRow>(
                new CommandDefinition(AttemptTable.SelectSql + " WHERE question_id = @id", new { id }, ctx.Transaction,
                    cancellationToken: ctx.CancellationToken))).ToList();
            q.TimesUsed = uses.Count;
            q.Passes = uses.Count(u => u.FirstPassAt is not null);
            q.PassRate = uses.Count == 0 ? null : (double)q.Passes / uses.Count;
            q.MedianSecondsToPass = Median(uses.Where(u => u.SecondsToPass is not null).Select(u => u.SecondsToPass!.Value));
        }
        await questions.FlushAsync(ctx);
    }

    internal static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
