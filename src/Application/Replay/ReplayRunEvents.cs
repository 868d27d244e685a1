using System.Text.Json;

namespace PeerCode.Application.Replay;

/// <summary>
/// The run events of a room stream (issue 5, src/Domain/Runs on the sandbox branch) as replay reads them: by their stable
/// wire names and stored JSON shape (camelCase, verdicts as wire strings), so replay does not depend on the writer's types.
/// </summary>
public static class ReplayRunEvents
{
    public const string Requested = "room.run-requested.v1";
    public const string Queued = "room.run-queued.v1";
    public const string Started = "room.run-started.v1";
    public const string Output = "room.run-output.v1";
    public const string Completed = "room.run-completed.v1";

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        [Requested] = typeof(RunRequestedRecord),
        [Queued] = typeof(RunQueuedRecord),
        [Started] = typeof(RunStartedRecord),
        [Output] = typeof(RunOutputRecord),
        [Completed] = typeof(RunCompletedRecord),
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static object? Decode(string type, ReadOnlySpan<byte> data) =>
        ByName.TryGetValue(type, out var t) ? JsonSerializer.Deserialize(data, t, Json) : null;
}

public sealed record RunTestCaseRecord(string Name, string Stdin, string ExpectedStdout, bool Hidden);

public sealed record RunTestResultRecord(string Name, bool Hidden, string Verdict, string? Diff, string? Detail, long WallMs);

/// <summary>room.run-requested.v1: the exact code that ran, with all tests (hidden ones included).</summary>
public sealed record RunRequestedRecord(
    string RunId, string Language, string Code, string CodeSha256, string Stdin,
    IReadOnlyList<RunTestCaseRecord> Tests, string RequestedBy, DateTimeOffset At)
{
    /// <summary>The same request without hidden tests' input and expected output (what a restricted audience may see).</summary>
    public RunRequestedRecord WithoutHiddenData() => this with
    {
        Tests = Tests.Select(t => t.Hidden ? t with { Stdin = "", ExpectedStdout = "" } : t).ToList(),
    };
}

public sealed record RunQueuedRecord(string RunId, int Position, DateTimeOffset At);

public sealed record RunStartedRecord(string RunId, string Node, DateTimeOffset At);

public sealed record RunOutputRecord(string RunId, long Seq, string Stream, string Text);

public sealed record RunCompletedRecord(
    string RunId, int? ExitCode, string Verdict, long WallMs, long? CpuMs, long? PeakMemoryKb,
    bool OutputTruncated, IReadOnlyList<RunTestResultRecord> Tests, string? Detail, DateTimeOffset At);
