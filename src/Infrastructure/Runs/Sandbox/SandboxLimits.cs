namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// Limits of one sandboxed step. Defaults follow the issue (5 s CPU, 10 s wall, 256 MiB, 64 processes, 1 MiB output);
/// Judge0's defaults are 5 s, 10 s, 128 MB and 60 processes.
/// </summary>
public sealed record SandboxLimits(
    double CpuSeconds,
    int WallMs,
    long MemoryBytes,
    int Processes,
    long OutputBytes,
    long FileSizeBytes,
    int OpenFiles)
{
    public static SandboxLimits Default { get; } = new(
        CpuSeconds: 5,
        WallMs: 10_000,
        MemoryBytes: 256L << 20,
        Processes: 64,
        OutputBytes: 1L << 20,
        FileSizeBytes: 16L << 20,
        OpenFiles: 64);

    /// <summary>The compile step: compilers are bigger and slower than the programs they build.</summary>
    public static SandboxLimits DefaultCompile { get; } = new(
        CpuSeconds: 20,
        WallMs: 30_000,
        MemoryBytes: 1L << 30,
        Processes: 128,
        OutputBytes: 1L << 20,
        FileSizeBytes: 64L << 20,
        OpenFiles: 256);
}

/// <summary>Why a step stopped.</summary>
public enum StepTermination
{
    /// <summary>The program exited by itself (any exit code).</summary>
    Exited,
    /// <summary>The wall-clock limit ran out and the whole tree was killed.</summary>
    WallTimeout,
    /// <summary>The CPU-time rlimit fired (SIGXCPU/SIGKILL) or the cgroup's CPU usage reached the limit.</summary>
    CpuTimeout,
    /// <summary>The cgroup's out-of-memory killer fired, or the program died of a recognised allocation failure.</summary>
    MemoryLimit,
    /// <summary>The program wrote more than the output cap; it was killed and the output cut.</summary>
    OutputLimit,
}

public enum OutputStream { Stdout, Stderr }

/// <summary>What one sandboxed step produced. CPU and peak memory are null when the host has no cgroups to measure them.</summary>
public sealed record StepOutcome(
    int ExitCode,
    StepTermination Termination,
    long WallMs,
    long? CpuMs,
    long? PeakMemoryKb,
    string Stdout,
    string Stderr,
    bool OutputTruncated);
