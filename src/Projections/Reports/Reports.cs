using System.Globalization;

namespace PeerCode.Projections.Reports;

public enum FilterKind { Text, Instant, Day, Flag, Choice }

/// <summary>
/// One query-string filter of a report: <paramref name="Sql"/> is the condition, using @value for the parsed value.
/// </summary>
public sealed record ReportFilter(string Name, string Sql, FilterKind Kind, IReadOnlyList<string>? Choices = null);

/// <summary>A read model as analysts and dashboards query it: its rows, filters and order. Column names are the table's own.</summary>
public sealed record Report(string Name, string Table, string OrderBy, IReadOnlyList<ReportFilter> Filters, string Description);

/// <summary>Bad report input (unknown report or filter, malformed value, paging out of range); the message says what to send instead.</summary>
public sealed class ReportQueryException(string message) : Exception(message);

public static class ReportCatalog
{
    private static ReportFilter Eq(string name, string column, FilterKind kind = FilterKind.Text, IReadOnlyList<string>? choices = null) =>
        new(name, $"{column} = @value", kind, choices);

    // NULL ordering differs between SQLite and PostgreSQL, so nullable sort keys put NULLs last explicitly.
    public static readonly IReadOnlyList<Report> All =
    [
        new("rooms", "rooms", "CASE WHEN created_at IS NULL THEN 1 ELSE 0 END, created_at DESC, room_id",
        [
            Eq("status", "status", FilterKind.Choice, ["open", "scheduled", "active", "ended", "cancelled"]),
            Eq("language", "language"), Eq("room_id", "room_id"), Eq("interview_id", "interview_id"), Eq("question_id", "question_id"),
            new("q", "LOWER(title) LIKE @value", FilterKind.Text),
            new("from", "created_at >= @value", FilterKind.Instant), new("to", "created_at < @value", FilterKind.Instant),
        ], "Interviews and rooms"),
        new("participants", "room_participants", "room_id, first_joined_at, participant_id",
            [Eq("room_id", "room_id"), Eq("participant_id", "participant_id"), Eq("role", "role")], "Who took part in each room"),
        new("activity", "participant_activity", "room_id, CASE WHEN joined_at IS NULL THEN 1 ELSE 0 END, joined_at, participant_id",
            [Eq("room_id", "room_id"), Eq("participant_id", "participant_id"), Eq("role", "role")], "Participant activity per interview"),
        new("runs", "runs", "CASE WHEN requested_at IS NULL THEN 1 ELSE 0 END, requested_at DESC, run_id",
        [
            Eq("room_id", "room_id"), Eq("run_id", "run_id"), Eq("participant_id", "participant_id"), Eq("language", "language"), Eq("verdict", "verdict"),
            Eq("status", "status", FilterKind.Choice, ["requested", "queued", "running", "completed"]), Eq("passed", "passed", FilterKind.Flag),
            new("from", "requested_at >= @value", FilterKind.Instant), new("to", "requested_at < @value", FilterKind.Instant),
        ], "Runs"),
        new("run-tests", "run_tests", "run_id, ordinal", [Eq("run_id", "run_id"), Eq("passed", "passed", FilterKind.Flag)], "Per-test results of runs"),
        new("questions", "questions", "times_used DESC, question_id",
            [Eq("question_id", "question_id"), Eq("difficulty", "difficulty"), new("q", "LOWER(title) LIKE @value", FilterKind.Text)], "Questions"),
        new("question-attempts", "question_attempts", "CASE WHEN started_at IS NULL THEN 1 ELSE 0 END, started_at, room_id",
            [Eq("question_id", "question_id"), Eq("room_id", "room_id")], "Each use of a question"),
        new("daily", "daily_stats", "day",
            [new("from", "day >= @value", FilterKind.Day), new("to", "day <= @value", FilterKind.Day)], "Daily aggregates (UTC days)"),
        new("timeline", "timeline", "room_id, position",
        [
            Eq("room_id", "room_id"),
            Eq("kind", "kind", FilterKind.Choice, ["joined", "left", "chat", "run-requested", "run-completed", "paste", "focus-lost", "focus-regained", "language-changed"]),
        ], "Timeline per interview room"),
    ];

    public static Report Find(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new ReportQueryException($"There is no report '{name}'. Reports: {string.Join(", ", All.Select(r => r.Name))}.");

    /// <summary>Parses one filter value, or explains what is expected.</summary>
    public static object Parse(ReportFilter f, string raw) => f.Kind switch
    {
        FilterKind.Text when f.Sql.Contains("LIKE", StringComparison.Ordinal) => "%" + raw.ToLowerInvariant().Replace("%", "").Replace("_", "") + "%",
        FilterKind.Text => raw,
        FilterKind.Choice => f.Choices!.Contains(raw) ? raw : throw new ReportQueryException($"{f.Name} must be one of {string.Join(", ", f.Choices!)}; got '{raw}'."),
        FilterKind.Flag => raw switch
        {
            "1" or "true" => 1L,
            "0" or "false" => 0L,
            _ => throw new ReportQueryException($"{f.Name} must be true or false; got '{raw}'."),
        },
        FilterKind.Instant => DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new ReportQueryException($"{f.Name} must be an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T09:00:00Z; got '{raw}'."),
        FilterKind.Day => DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : throw new ReportQueryException($"{f.Name} must be a day as yyyy-MM-dd; got '{raw}'."),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };
}
