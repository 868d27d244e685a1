using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>One command to run in the sandbox.</summary>
/// <param name="Command">Absolute program path and its arguments, as seen inside the sandbox (the work directory is /work).</param>
/// <param name="ReadOnlyBinds">Host paths bound read-only at the same place inside: only the toolchain this step needs.</param>
/// <param name="LimitAddressSpace">Whether RLIMIT_AS applies (the memory limit, or twice it when the cgroup enforces it; false for runtimes that reserve
/// huge virtual ranges up front, such as the JVM, V8, Go and Mono; the cgroup memory limit still applies to them).</param>
/// <param name="OutOfMemorySignatures">Texts on stderr that mean the runtime died of an allocation failure (the memory-limit verdict when RLIMIT_AS, not the cgroup, stopped it).</param>
public sealed record SandboxStep(
    IReadOnlyList<string> Command,
    IReadOnlyList<string> ReadOnlyBinds,
    SandboxLimits Limits,
    bool LimitAddressSpace,
    IReadOnlyList<string> OutOfMemorySignatures,
    ReadOnlyMemory<byte> Stdin,
    Action<OutputStream, string>? OnOutput = null);

/// <summary>
/// Runs steps under bubblewrap: new user, PID, network, IPC, UTS, cgroup and mount namespaces; no network but an
/// unconfigured loopback; only the given toolchain paths bound read-only; the run's tmpfs at /work; an empty
/// environment except PATH, HOME and LANG; uid/gid 65534 inside and outside (bwrap itself is started as nobody, from
/// the launcher thread, so even a namespace escape lands on "nobody", and RLIMIT_NPROC is counted per sandbox);
/// rlimits through prlimit; cgroup v1 memory, pids and cpuacct limits where the host allows; a wall clock that
/// kills the whole tree; output capped with the cut reported.
/// </summary>
public sealed class BubblewrapSandbox : IDisposable
{
    public const int SandboxUid = 65534;
    public const string SandboxUser = "nobody";
    private static readonly ProcessLauncher Launcher = new();
    internal const string Bwrap = "/usr/bin/bwrap", Prlimit = "/usr/bin/prlimit", Env = "/usr/bin/env";

    /// <summary>Sandboxes kept prepared per step shape, and in all (the oldest goes first).</summary>
    private const int PreparedPerStep = 2, PreparedTotal = 8;

    /// <summary>Bound in every step: the dynamic loader and shared libraries, prlimit and env.</summary>
    public static readonly IReadOnlyList<string> CommonBinds = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/etc/ld.so.cache", Prlimit, Env];

    private readonly string _workspaceRoot;
    private readonly SandboxHousekeeper _housekeeper;
    private readonly object _poolGate = new();
    private readonly LinkedList<PreparedSandbox> _pool = new();
    private bool _disposed;

    /// <param name="useCgroups">False forces the rlimit-only fallback (hosts where delegating cgroups is not wanted).</param>
    /// <param name="log">Where failures of background work (unmounting finished workspaces) are reported.</param>
    public BubblewrapSandbox(string workspaceRoot, bool useCgroups = true, ILogger<BubblewrapSandbox>? log = null)
    {
        _workspaceRoot = workspaceRoot;
        _housekeeper = new SandboxHousekeeper(log ?? (ILogger)NullLogger.Instance);
        Leftovers.CleanUp(workspaceRoot);
        string? reason = "cgroups are disabled by configuration";
        Cgroups = useCgroups ? CgroupHost.Detect(out reason) : null;
        CgroupFallbackReason = reason;
        if (Cgroups is not null) Leftovers.CleanUp(Cgroups);
    }

    /// <summary>Null when cgroups are unavailable: then memory is limited by RLIMIT_AS only and CPU/peak memory are not measured.</summary>
    public CgroupHost? Cgroups { get; }

    public string? CgroupFallbackReason { get; }

    /// <summary>Why this host cannot run sandboxes at all (missing bwrap, not root), or null when it can.</summary>
    public static string? UnavailableReason()
    {
        foreach (var tool in new[] { Bwrap, Prlimit, Env })
            if (!File.Exists(tool)) return $"{tool} is missing (install the packages in scripts/deps/run.apt)";
        if (!IsRoot())
            return "the sandbox host must run as root (it mounts each run's tmpfs and manages cgroups)";
        return null;
    }

    private static bool IsRoot() =>
        File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");

    /// <summary>A fresh workspace. Disposing it returns at once; the unmount (and the kill of a sandbox prepared in it
    /// and never used) happens on the housekeeper thread.</summary>
    public SandboxWorkspace CreateWorkspace(long sizeBytes) =>
        SandboxWorkspace.Create(_workspaceRoot, Leftovers.OwnPrefix + Guid.NewGuid().ToString("N"), sizeBytes, SandboxUid,
            ws => _housekeeper.Post($"retire {ws.HostPath}", () =>
            {
                ws.TakePrepared(null)?.Dispose();
                ws.TearDown();
                ws.AfterRetire?.Invoke();
            }));

    /// <summary>
    /// A fresh workspace for a run whose first step is <paramref name="firstStep"/>. When the pool holds a sandbox
    /// prepared ahead of demand for that step, the workspace comes with it (bwrap already set up in it and waiting),
    /// so the step's <see cref="RunAsync"/> only releases it. Either way the pool is then topped up for that step in
    /// the background: the first run of a shape pays the whole start, the next ones do not.
    /// </summary>
    public SandboxWorkspace TakeWorkspace(long sizeBytes, SandboxStep firstStep)
    {
        var key = StepKey(firstStep);
        PreparedSandbox? hit = null;
        var left = 0;
        lock (_poolGate)
        {
            for (var node = _pool.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key || node.Value.Workspace.SizeBytes != sizeBytes) continue;
                if (hit is null)
                {
                    hit = node.Value;
                    _pool.Remove(node);
                }
                else left++;
            }
        }
        SandboxPhases.Record(SandboxPhases.PreparedHit, hit is null ? 0 : 1);
        var workspace = hit?.Workspace ?? CreateWorkspace(sizeBytes);
        var shape = firstStep with { Stdin = ReadOnlyMemory<byte>.Empty, OnOutput = null };
        void TopUpForShape() => TopUp(key, sizeBytes, shape);
        // With one of this shape still waiting, the top-up waits until this run is over, so preparing the next
        // sandbox does not compete with this run's own program for the CPU; with none left, demand is ahead of the
        // pool and it starts now.
        if (left > 0) workspace.AfterRetire = TopUpForShape;
        else _housekeeper.Post($"prepare a sandbox for {string.Join(' ', firstStep.Command)}", TopUpForShape);
        return workspace;
    }

    /// <summary>On the housekeeper thread: prepares sandboxes for one step shape until the pool holds enough of them.</summary>
    private void TopUp(string key, long sizeBytes, SandboxStep step)
    {
        while (true)
        {
            lock (_poolGate)
                if (_disposed || _pool.Count(p => p.Key == key && p.Workspace.SizeBytes == sizeBytes) >= PreparedPerStep) return;
            var start = Stopwatch.GetTimestamp();
            var workspace = CreateWorkspace(sizeBytes);
            PreparedSandbox prepared;
            try
            {
                prepared = PreparedSandbox.StartAsync(Launcher, Cgroups, workspace, step, key, background: true).GetAwaiter().GetResult();
            }
            catch
            {
                workspace.Dispose();
                throw;
            }
            workspace.SetPrepared(prepared);
            SandboxPhases.Lap(SandboxPhases.Prepare, start);
            PreparedSandbox? evicted = null;
            lock (_poolGate)
            {
                if (_disposed) evicted = prepared; // disposed while this one was starting: it must not outlive the pool
                else
                {
                    _pool.AddLast(prepared);
                    if (_pool.Count > PreparedTotal)
                    {
                        evicted = _pool.First!.Value;
                        _pool.RemoveFirst();
                    }
                }
            }
            evicted?.Workspace.Dispose();
        }
    }

    /// <summary>What a prepared sandbox depends on: everything of the step but its stdin and output callback.</summary>
    internal static string StepKey(SandboxStep step) =>
        $"{string.Join('\0', step.Command)}|{string.Join('\0', step.ReadOnlyBinds)}|{step.Limits}|{step.LimitAddressSpace}";

    /// <summary>Runs one step in the workspace: in the sandbox prepared there for it if there is one, else in one started now.</summary>
    public async Task<StepOutcome> RunAsync(SandboxWorkspace workspace, SandboxStep step, CancellationToken ct = default)
    {
        var key = StepKey(step);
        var prepared = workspace.TakePrepared(key);
        if (prepared is { HasExited: true })
        {
            // It died waiting (killed from outside, or bwrap could not set up): start afresh, which reports the reason if it is bwrap's.
            prepared.Dispose();
            prepared = null;
        }
        if (prepared is null)
        {
            prepared = await PreparedSandbox.StartAsync(Launcher, Cgroups, workspace, step, key, background: false);
            SandboxPhases.Lap(SandboxPhases.SpawnResume, prepared.Started);
        }
        try
        {
            return await prepared.RunAsync(step, ct);
        }
        finally
        {
            var lap = Stopwatch.GetTimestamp();
            prepared.Dispose();
            SandboxPhases.Lap(SandboxPhases.CgroupTeardown, lap);
        }
    }

    /// <summary>Waits for the background work posted so far (workspace unmounts, sandboxes being prepared) to finish.</summary>
    public void WaitForHousekeeping() => _housekeeper.Drain();

    /// <summary>Kills the sandboxes prepared ahead of demand, finishes the background work and stops its thread.</summary>
    public void Dispose()
    {
        List<PreparedSandbox> pooled;
        lock (_poolGate)
        {
            _disposed = true;
            pooled = [.. _pool];
            _pool.Clear();
        }
        foreach (var p in pooled) p.Workspace.Dispose();
        _housekeeper.Dispose();
    }
}
