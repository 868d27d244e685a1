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
    /// <summary>The question stream's revision of the last content or status change (the version If-Match takes).</summary>
    public long? Version { get; set; }
    /// <summary>Labels joined by ", " in their given order (labels never hold commas); question_labels is what filters use.</summary>
    public string? Categories { get; set; }
    public string? Tags { get; set; }
    /// <summary>Language ids with starter code, joined by ", ".</summary>
    public string? Languages { get; set; }
    public long? TestCount { get; set; }
    public long? HiddenTestCount { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>One label of a question: kind "category" or "tag" (the bank's filters).</summary>
public sealed class QuestionLabelRow
{
    public string QuestionId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Label { get; set; } = "";
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

/// <summary>
/// Questions: the bank's list (title, difficulty, labels, version, archived) from the question streams, and times used,
/// pass rate and median time to a passing run, derived from one attempt row per room.
/// </summary>
public sealed class QuestionsProjection : Projection
{
    private static readonly TableMap<QuestionRow> QuestionTable = new("questions", nameof(QuestionRow.QuestionId));
    private static readonly TableMap<QuestionLabelRow> LabelTable = new("question_labels", nameof(QuestionLabelRow.QuestionId), nameof(QuestionLabelRow.Kind), nameof(QuestionLabelRow.Label));
    private static readonly TableMap<QuestionAttemptRow> AttemptTable = new("question_attempts", nameof(QuestionAttemptRow.RoomId));

    public const string ProjectionName = "questions";

    public override string Name => ProjectionName;

    public override IReadOnlyList<string> EventTypes { get; } =
    [
        WireNames.QuestionCreated, WireNames.QuestionRenamed, WireNames.QuestionEdited, WireNames.QuestionArchived, WireNames.QuestionRestored,
        WireNames.InterviewScheduled, WireNames.InterviewStarted,
        WireNames.QuestionSelected, WireNames.ParticipantJoined, WireNames.RunRequested, WireNames.RunCompleted,
    ];

    public override IReadOnlyList<string> Tables { get; } = ["question_attempts", "question_labels", "questions"];

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
        new("0401-question-bank", """
            ALTER TABLE questions ADD COLUMN version BIGINT NULL;
            ALTER TABLE questions ADD COLUMN categories TEXT NULL;
            ALTER TABLE questions ADD COLUMN tags TEXT NULL;
            ALTER TABLE questions ADD COLUMN languages TEXT NULL;
            ALTER TABLE questions ADD COLUMN test_count BIGINT NULL;
            ALTER TABLE questions ADD COLUMN hidden_test_count BIGINT NULL;
            ALTER TABLE questions ADD COLUMN updated_at {ts} NULL;
            ALTER TABLE questions ADD COLUMN archived_at {ts} NULL;
            CREATE TABLE IF NOT EXISTS question_labels (
                question_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                label TEXT NOT NULL,
                PRIMARY KEY (question_id, kind, label)
            );
            CREATE INDEX IF NOT EXISTS ix_question_labels_label ON question_labels (kind, label)
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var questions = new RowCache<string, QuestionRow>(QuestionTable, id => new QuestionRow { QuestionId = id });
        var attempts = new RowCache<string, QuestionAttemptRow>(AttemptTable, id => new QuestionAttemptRow { RoomId = id });
        var touched = new HashSet<string>();
        var labels = new Dictionary<string, List<(string Kind, string Label)>>();

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
                case WireNames.QuestionCreated or WireNames.QuestionEdited:
                {
                    var ev = WireFormat.Read<QuestionContentV1>(e);
                    var q = await questions.GetAsync(ev.QuestionId.ToString(), ctx);
                    q.Title = ev.Title;
                    q.Difficulty = ev.Difficulty;
                    if (e.Type == WireNames.QuestionCreated) q.CreatedAt = ev.At;
                    q.UpdatedAt = ev.At;
                    q.Version = e.Revision;
                    q.Categories = ev.Categories is null ? null : string.Join(", ", ev.Categories);
                    q.Tags = ev.Tags is null ? null : string.Join(", ", ev.Tags);
                    q.Languages = ev.StarterCode is null ? null : string.Join(", ", ev.StarterCode.Keys.Order(StringComparer.Ordinal));
                    q.TestCount = ev.Tests?.Count;
                    q.HiddenTestCount = ev.Tests?.Count(t => t.Hidden);
                    labels[q.QuestionId] = [.. (ev.Categories ?? []).Select(l => ("category", l)), .. (ev.Tags ?? []).Select(l => ("tag", l))];
                    touched.Add(q.QuestionId);
                    break;
                }
                case WireNames.QuestionArchived or WireNames.QuestionRestored:
                {
                    var ev = WireFormat.Read<QuestionArchivedV1>(e);
                    var q = await questions.GetAsync(ev.QuestionId.ToString(), ctx);
                    q.ArchivedAt = e.Type == WireNames.QuestionArchived ? ev.At : null;
                    q.UpdatedAt = ev.At;
                    q.Version = e.Revision;
                    touched.Add(q.QuestionId);
                    break;
                }
                case WireNames.QuestionRenamed:
                {
                    var ev = WireFormat.Read<QuestionRenamedV1>(e);
                    var q = await questions.GetAsync(ev.QuestionId.ToString(), ctx);
                    q.Title = ev.Title;
                    q.Version = e.Revision;
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

        foreach (var (id, set) in labels)
        {
            await ctx.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM question_labels WHERE question_id = @id", new { id }, ctx.Transaction, cancellationToken: ctx.CancellationToken));
            foreach (var (kind, label) in set.Distinct())
                await ctx.Connection.ExecuteAsync(new CommandDefinition(LabelTable.UpsertSql,
                    new QuestionLabelRow { QuestionId = id, Kind = kind, Label = label }, ctx.Transaction, cancellationToken: ctx.CancellationToken));
        }

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
