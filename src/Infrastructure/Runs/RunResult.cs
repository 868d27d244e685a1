using PeerCode.Domain.Runs;

namespace PeerCode.Infrastructure.Runs;

/// <summary>
/// The outcome of a run: the verdict and figures of its main execution (or, for a compile error, the compiler's
/// exit code and output), and one result per test case. <see cref="Detail"/> explains a non-ok verdict to a person.
/// </summary>
public sealed record RunResult(
    RunVerdict Verdict,
    int? ExitCode,
    long WallMs,
    long? CpuMs,
    long? PeakMemoryKb,
    string Stdout,
    string Stderr,
    bool OutputTruncated,
    string? Detail,
    IReadOnlyList<RunTestResult> Tests);
