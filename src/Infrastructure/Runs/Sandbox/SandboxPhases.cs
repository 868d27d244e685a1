using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// Where the time of a run goes: one histogram (milliseconds, tag "phase") on the meter <see cref="MeterName"/>.
/// Nothing is recorded unless a listener enabled the instrument (the sandbox benchmark's MeterListener, or an
/// OpenTelemetry exporter of an operator who wants it); otherwise a lap costs one timestamp read.
/// </summary>
public static class SandboxPhases
{
    public const string MeterName = "PeerCode.Runs.Sandbox";
    public const string InstrumentName = "peercode.sandbox.phase.duration";

    public const string Validate = "validate";
    public const string WorkspaceCreate = "workspace-create";
    public const string CgroupCreate = "cgroup-create";
    public const string LauncherQueue = "launcher-queue";
    public const string CgroupJoin = "cgroup-join";
    public const string Spawn = "spawn";
    public const string CgroupLeave = "cgroup-leave";
    public const string SpawnResume = "spawn-resume";
    public const string SandboxAndProgram = "sandbox-and-program";
    public const string OutputDrain = "output-drain";
    public const string PostExitKill = "post-exit-kill";
    public const string Stats = "stats";
    public const string CgroupTeardown = "cgroup-teardown";
    public const string WorkspaceTeardown = "workspace-teardown";
    public const string Total = "total";
    /// <summary>Off the path: preparing a sandbox ahead of demand (workspace, cgroups, bwrap up to its wait for go).</summary>
    public const string Prepare = "prepare-ahead";
    /// <summary>Whether a run's first step found a sandbox prepared ahead of demand (1) or started one itself (0).</summary>
    public const string PreparedHit = "prepared-hit";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        InstrumentName, "ms", "Time spent in each phase of a sandboxed run (request to completion)");

    public static bool Enabled => Duration.Enabled;

    /// <summary>Records a value that is not a duration (a 0/1 flag such as <see cref="PreparedHit"/>).</summary>
    public static void Record(string phase, double value)
    {
        if (Duration.Enabled) Duration.Record(value, new KeyValuePair<string, object?>("phase", phase));
    }

    /// <summary>Records (unless <paramref name="phase"/> is null) the time from <paramref name="since"/> (a <see cref="Stopwatch.GetTimestamp"/>) to now as
    /// <paramref name="phase"/> and returns now, so consecutive phases chain.</summary>
    public static long Lap(string? phase, long since)
    {
        var now = Stopwatch.GetTimestamp();
        if (phase is not null && Duration.Enabled)
            Duration.Record(Stopwatch.GetElapsedTime(since, now).TotalMilliseconds, new KeyValuePair<string, object?>("phase", phase));
        return now;
    }
}
