namespace PeerCode.Domain.Runs;

/// <summary>One test case of a run. A hidden test's input and expected output must never reach a candidate.</summary>
public sealed record RunTestCase(string Name, string Stdin, string ExpectedStdout, bool Hidden);

/// <summary>
/// The outcome of one test. For a hidden test, <see cref="Diff"/> is always null: a diff would reveal the
/// expected output. <see cref="Detail"/> is a short reason (exit code, signal) that never quotes the test's data.
/// </summary>
public sealed record RunTestResult(string Name, bool Hidden, TestVerdict Verdict, string? Diff, string? Detail, long WallMs);
