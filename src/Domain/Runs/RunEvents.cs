namespace PeerCode.Domain.Runs;

/// <summary>
/// A run's lifecycle events. They are appended to the room's stream (room-{id}), so a replay of the interview shows
/// every run in order with everything else. Shapes are stored: never change one; add a new version instead.
/// </summary>
public abstract record RunEvent(string RunId);

/// <param name="Code">The exact code taken from the server's document when the run was requested.</param>
/// <param name="CodeSha256">Lower-case hex SHA-256 of <paramref name="Code"/> in UTF-8.</param>
/// <param name="Tests">All tests, hidden ones included (the audit must show what ran): use
/// <see cref="RunRequested.ForCandidate"/> for anything a candidate can see.</param>
public sealed record RunRequested(
    string RunId, string Language, string Code, string CodeSha256, string Stdin,
    IReadOnlyList<RunTestCase> Tests, string RequestedBy, DateTimeOffset At) : RunEvent(RunId)
{
    /// <summary>The same event with every hidden test's input and expected output removed.</summary>
    public RunRequested ForCandidate() => this with
    {
        Tests = Tests.Select(t => t.Hidden ? t with { Stdin = "", ExpectedStdout = "" } : t).ToList(),
    };
}

public sealed record RunQueued(string RunId, int Position, DateTimeOffset At) : RunEvent(RunId);

public sealed record RunStarted(string RunId, string Node, DateTimeOffset At) : RunEvent(RunId);

/// <param name="Seq">0, 1, 2... per run, so a client can order and de-duplicate batches.</param>
/// <param name="Stream">"stdout" or "stderr".</param>
public sealed record RunOutput(string RunId, long Seq, string Stream, string Text) : RunEvent(RunId);

/// <param name="CpuMs">Null when the node could not measure it (no cgroups).</param>
/// <param name="Detail">A sentence for a person when the verdict is not ok (never quotes a hidden test's data).</param>
public sealed record RunCompleted(
    string RunId, int? ExitCode, RunVerdict Verdict, long WallMs, long? CpuMs, long? PeakMemoryKb,
    bool OutputTruncated, IReadOnlyList<RunTestResult> Tests, string? Detail, DateTimeOffset At) : RunEvent(RunId);

/// <summary>Stable wire names of the run events, as stored in the room stream.</summary>
public static class RunEventTypes
{
    public static readonly IReadOnlyDictionary<Type, string> Names = new Dictionary<Type, string>
    {
        [typeof(RunRequested)] = "room.run-requested.v1",
        [typeof(RunQueued)] = "room.run-queued.v1",
        [typeof(RunStarted)] = "room.run-started.v1",
        [typeof(RunOutput)] = "room.run-output.v1",
        [typeof(RunCompleted)] = "room.run-completed.v1",
    };

    public static readonly IReadOnlyDictionary<string, Type> Types = Names.ToDictionary(p => p.Value, p => p.Key);
}
