using System.Diagnostics;
using System.Text;
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
    private const string Bwrap = "/usr/bin/bwrap", Prlimit = "/usr/bin/prlimit", Env = "/usr/bin/env";

    /// <summary>Bound in every step: the dynamic loader and shared libraries, prlimit and env.</summary>
    public static readonly IReadOnlyList<string> CommonBinds = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/etc/ld.so.cache", Prlimit, Env];

    private readonly string _workspaceRoot;
    private readonly SandboxHousekeeper _housekeeper;

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

    /// <summary>A fresh workspace. Disposing it returns at once; the unmount happens on the housekeeper thread.</summary>
    public SandboxWorkspace CreateWorkspace(long sizeBytes) =>
        SandboxWorkspace.Create(_workspaceRoot, Leftovers.OwnPrefix + Guid.NewGuid().ToString("N"), sizeBytes, SandboxUid,
            ws => _housekeeper.Post($"unmount {ws.HostPath}", ws.TearDown));

    /// <summary>Waits for the background work posted so far (workspace unmounts) to finish.</summary>
    public void WaitForHousekeeping() => _housekeeper.Drain();

    /// <summary>Finishes the background work and stops its thread.</summary>
    public void Dispose() => _housekeeper.Dispose();

    public async Task<StepOutcome> RunAsync(SandboxWorkspace workspace, SandboxStep step, CancellationToken ct = default)
    {
        var limits = step.Limits;
        var lap = Stopwatch.GetTimestamp();
        var cgroup = Cgroups?.Create(Leftovers.OwnPrefix + Guid.NewGuid().ToString("N"), limits);
        lap = SandboxPhases.Lap(SandboxPhases.CgroupCreate, lap);
        try
        {
            return await RunInAsync(workspace, step, cgroup, ct);
        }
        finally
        {
            lap = Stopwatch.GetTimestamp();
            cgroup?.Dispose();
            SandboxPhases.Lap(SandboxPhases.CgroupTeardown, lap);
        }
    }

    private static async Task<StepOutcome> RunInAsync(SandboxWorkspace workspace, SandboxStep step, StepCgroup? cgroup, CancellationToken ct)
    {
        var limits = step.Limits;
        var psi = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // An empty environment from the very first process: bwrap's own process is pid 1 inside, and its
        // /proc/1/environ must not show the server's secrets.
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.WorkingDirectory = "/";
        // bwrap starts unprivileged, as the sandbox uid: even a namespace escape lands on "nobody", and
        // RLIMIT_NPROC is then counted per sandbox (each has its own user namespace).
        psi.FileName = Bwrap;
        psi.UserName = SandboxUser;
        foreach (var a in BuildArguments(workspace, step, addressSpaceFactor: cgroup is null ? 1 : 2)) psi.ArgumentList.Add(a);

        var output = new OutputCollector(limits.OutputBytes, step.OnOutput);
        var clock = Stopwatch.StartNew();
        var (process, spawned) = await Launcher.StartAsync(psi, cgroup);
        using var _ = process;
        var lap = SandboxPhases.Lap(SandboxPhases.SpawnResume, spawned);
        var killed = 0; // 1 = wall clock, 2 = output cap
        void KillTree(int reason)
        {
            if (Interlocked.CompareExchange(ref killed, reason, 0) != 0) return;
            if (cgroup is not null) cgroup.KillAll();
            // Killing bwrap kills its pid-1 (--die-with-parent), and the kernel then kills the whole pid namespace.
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { /* it exited in the meantime: nothing left to kill */ }
        }
        output.OnLimit = () => KillTree(2);

        var stdin = WriteStdinAsync(process.StandardInput.BaseStream, step.Stdin);
        var stdout = output.ReadAsync(process.StandardOutput.BaseStream, OutputStream.Stdout);
        var stderr = output.ReadAsync(process.StandardError.BaseStream, OutputStream.Stderr);
        using var wall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wall.CancelAfter(limits.WallMs);
        try
        {
            await process.WaitForExitAsync(wall.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(1);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
        }
        var wallMs = clock.ElapsedMilliseconds;
        lap = SandboxPhases.Lap(SandboxPhases.SandboxAndProgram, lap);
        // The main program is gone; nothing of the run may outlive it.
        cgroup?.KillAll();
        lap = SandboxPhases.Lap(SandboxPhases.PostExitKill, lap);
        await Task.WhenAll(stdout, stderr, stdin).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        lap = SandboxPhases.Lap(SandboxPhases.OutputDrain, lap);

        var exitCode = process.ExitCode;
        long? cpuMs = cgroup?.CpuMs, peakKb = cgroup?.PeakMemoryKb;
        var oom = cgroup is { OomKills: > 0 };
        SandboxPhases.Lap(SandboxPhases.Stats, lap);
        var (stdoutText, stderrText) = output.Texts();
        var cpuLimitMs = (long)Math.Ceiling(limits.CpuSeconds) * 1000;
        var termination = killed switch
        {
            1 => StepTermination.WallTimeout,
            2 => StepTermination.OutputLimit,
            _ when oom => StepTermination.MemoryLimit,
            _ when exitCode == 128 + 24 || (exitCode == 128 + 9 && cpuMs >= cpuLimitMs - 50) => StepTermination.CpuTimeout,
            _ when exitCode != 0 && step.OutOfMemorySignatures.Any(s => stderrText.Contains(s, StringComparison.Ordinal)) => StepTermination.MemoryLimit,
            _ => StepTermination.Exited,
        };
        return new StepOutcome(exitCode, termination, wallMs, cpuMs, peakKb, stdoutText, stderrText, output.Truncated);
    }

    /// <param name="addressSpaceFactor">RLIMIT_AS as a multiple of the memory limit: 1 without cgroups (then it is the
    /// memory limit), 2 with them (then the cgroup is the limit and RLIMIT_AS only stops absurd reservations early,
    /// so a program that really uses too much memory meets the OOM killer and gets the memory-limit verdict).</param>
    private static IEnumerable<string> BuildArguments(SandboxWorkspace workspace, SandboxStep step, int addressSpaceFactor)
    {
        var l = step.Limits;
        string[] head =
        [
            "--unshare-all", "--uid", $"{SandboxUid}", "--gid", $"{SandboxUid}", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work", "--setenv", "LANG", "C.UTF-8",
        ];
        foreach (var a in head) yield return a;
        foreach (var bind in CommonBinds.Concat(step.ReadOnlyBinds).Distinct())
        {
            yield return "--ro-bind";
            yield return bind;
            yield return bind;
        }
        string[] tail =
        [
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc", "--dev", "/dev",
            "--bind", workspace.HostPath, "/work", "--bind", workspace.TmpHostPath, "/tmp", "--chdir", "/work",
            "--bind", workspace.ShmHostPath, "/dev/shm",
            // bwrap's root and /dev are tmpfs of its own: make them read-only so that /work, /tmp and /dev/shm (all
            // in the run's size-limited tmpfs) are the only writable places.
            "--remount-ro", "/dev", "--remount-ro", "/",
            "--", Prlimit,
            $"--cpu={(long)Math.Ceiling(l.CpuSeconds)}:{(long)Math.Ceiling(l.CpuSeconds) + 1}",
            $"--nproc={l.Processes}", $"--fsize={l.FileSizeBytes}", $"--nofile={l.OpenFiles}", "--core=0",
        ];
        foreach (var a in tail) yield return a;
        if (step.LimitAddressSpace) yield return $"--as={l.MemoryBytes * addressSpaceFactor}";
        // env -i: bwrap itself adds PWD after --clearenv; the program sees exactly PATH, HOME and LANG.
        string[] env = ["--", Env, "-i", "PATH=/usr/bin:/bin", "HOME=/work", "LANG=C.UTF-8"];
        foreach (var a in env) yield return a;
        foreach (var a in step.Command) yield return a;
    }

    private static async Task WriteStdinAsync(Stream stdin, ReadOnlyMemory<byte> data)
    {
        try
        {
            if (!data.IsEmpty) await stdin.WriteAsync(data);
            await stdin.DisposeAsync();
        }
        catch (IOException)
        {
            // EPIPE: the program exited (or closed stdin) without reading all of its input. That is its choice,
            // not a sandbox failure.
        }
    }

    /// <summary>Reads both pipes, forwards decoded text as it arrives, and keeps at most the cap (stdout and stderr together).</summary>
    private sealed class OutputCollector(long capBytes, Action<OutputStream, string>? onOutput)
    {
        private readonly object _gate = new();
        private readonly StringBuilder _stdout = new(), _stderr = new();
        private readonly Decoder _outDecoder = Encoding.UTF8.GetDecoder(), _errDecoder = Encoding.UTF8.GetDecoder();
        private long _total;

        public Action? OnLimit { get; set; }

        public bool Truncated { get; private set; }

        public async Task ReadAsync(Stream pipe, OutputStream which)
        {
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await pipe.ReadAsync(buffer)) > 0)
            {
                var hitLimit = false;
                lock (_gate)
                {
                    var room = capBytes - _total;
                    var take = (int)Math.Min(n, Math.Max(0, room));
                    if (take < n && !Truncated)
                    {
                        Truncated = true;
                        hitLimit = true;
                    }
                    if (take > 0)
                    {
                        _total += take;
                        var decoder = which == OutputStream.Stdout ? _outDecoder : _errDecoder;
                        var chars = new char[decoder.GetCharCount(buffer, 0, take)];
                        decoder.GetChars(buffer, 0, take, chars, 0);
                        var text = new string(chars);
                        (which == OutputStream.Stdout ? _stdout : _stderr).Append(text);
                        if (text.Length > 0) onOutput?.Invoke(which, text);
                    }
                }
                // Kill outside the lock; keep draining so the writer never blocks on a full pipe before it dies.
                if (hitLimit) OnLimit?.Invoke();
            }
        }

        public (string Stdout, string Stderr) Texts()
        {
            lock (_gate) return (_stdout.ToString(), _stderr.ToString());
        }
    }
}
