using System.Diagnostics;
using System.Text;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// One step's bwrap, started and stopped just before it runs the step's command: namespaces, mounts, uid maps and
/// cgroups are in place and bwrap waits on its --block-fd pipe. <see cref="RunAsync"/> writes the go byte and
/// follows the step to its end; <see cref="Dispose"/> kills whatever is left and removes the cgroups.
/// Started either when a step asks for it, or ahead of demand by the sandbox's pool, so that a run's first step
/// finds everything but its own program already done.
/// </summary>
internal sealed class PreparedSandbox : IDisposable
{
    private readonly Process _process;
    private readonly StepCgroup? _cgroup;
    private int _goFd;

    private PreparedSandbox(Process process, StepCgroup? cgroup, int goFd, SandboxWorkspace workspace, string key, long started)
    {
        _process = process;
        _cgroup = cgroup;
        _goFd = goFd;
        Workspace = workspace;
        Key = key;
        Started = started;
    }

    public SandboxWorkspace Workspace { get; }

    /// <summary>What it was started for (<see cref="BubblewrapSandbox.StepKey"/>): a step with another key needs another sandbox.</summary>
    public string Key { get; }

    /// <summary>The <see cref="Stopwatch.GetTimestamp"/> when its process was started.</summary>
    public long Started { get; }

    /// <summary>True when bwrap is gone before it was released (it failed to set up, or something killed it).</summary>
    public bool HasExited => _process.HasExited;

    public static async Task<PreparedSandbox> StartAsync(ProcessLauncher launcher, CgroupHost? cgroups, SandboxWorkspace workspace, SandboxStep step, string key, bool background)
    {
        var lap = Stopwatch.GetTimestamp();
        var cgroup = cgroups?.Create(Leftovers.OwnPrefix + Guid.NewGuid().ToString("N"), step.Limits);
        SandboxPhases.Lap(background ? null : SandboxPhases.CgroupCreate, lap);
        var goFd = -1;
        try
        {
            var (process, started) = await launcher.StartAsync(() =>
            {
                // The read end is inherited by bwrap only: it is made inheritable on the launcher thread just
                // before the start and closed here right after. (Another thread of this process starting a child
                // at that very moment would inherit it too; it could only ever read the go byte early, which
                // starts the step's own program a moment early, never anything else.)
                var (read, write) = Native.Pipe();
                goFd = write;
                try
                {
                    var psi = StartInfo(workspace, step, cgroup is null ? 1 : 2, read);
                    Native.ClearCloseOnExec(read);
                    return Process.Start(psi)!;
                }
                finally
                {
                    Native.Close(read);
                }
            }, cgroup, background);
            return new PreparedSandbox(process, cgroup, goFd, workspace, key, started);
        }
        catch
        {
            if (goFd >= 0) Native.Close(goFd);
            cgroup?.Dispose();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(SandboxWorkspace workspace, SandboxStep step, int addressSpaceFactor, int blockFd)
    {
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
        psi.FileName = BubblewrapSandbox.Bwrap;
        psi.UserName = BubblewrapSandbox.SandboxUser;
        foreach (var a in BuildArguments(workspace, step, addressSpaceFactor, blockFd)) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Releases the step (the wall clock starts now) and follows it to its end.</summary>
    public async Task<StepOutcome> RunAsync(SandboxStep step, CancellationToken ct)
    {
        var limits = step.Limits;
        var process = _process;
        var cgroup = _cgroup;
        var output = new OutputCollector(limits.OutputBytes, step.OnOutput);
        var stdout = output.ReadAsync(process.StandardOutput.BaseStream, OutputStream.Stdout);
        var stderr = output.ReadAsync(process.StandardError.BaseStream, OutputStream.Stderr);
        var clock = Stopwatch.StartNew();
        var lap = Stopwatch.GetTimestamp();
        // Go: bwrap reads this byte and runs the command; the program's stdin follows on its own pipe.
        Native.TryWriteByte(_goFd, 1); // false only when bwrap is already gone: its exit code and stderr say why
        Native.Close(Interlocked.Exchange(ref _goFd, -1));
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

    /// <summary>Kills whatever is left (a sandbox never released is killed before its go pipe closes, so its
    /// command never starts), removes its cgroups and closes its pipes.</summary>
    public void Dispose()
    {
        if (_cgroup is not null) _cgroup.Dispose();
        else if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        var go = Interlocked.Exchange(ref _goFd, -1);
        if (go >= 0) Native.Close(go);
        _process.Dispose();
    }

    /// <param name="addressSpaceFactor">RLIMIT_AS as a multiple of the memory limit: 1 without cgroups (then it is the
    /// memory limit), 2 with them (then the cgroup is the limit and RLIMIT_AS only stops absurd reservations early,
    /// so a program that really uses too much memory meets the OOM killer and gets the memory-limit verdict).</param>
    private static IEnumerable<string> BuildArguments(SandboxWorkspace workspace, SandboxStep step, int addressSpaceFactor, int blockFd)
    {
        var l = step.Limits;
        string[] head =
        [
            "--unshare-all", "--uid", $"{BubblewrapSandbox.SandboxUid}", "--gid", $"{BubblewrapSandbox.SandboxUid}", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--block-fd", $"{blockFd}",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work", "--setenv", "LANG", "C.UTF-8",
        ];
        foreach (var a in head) yield return a;
        foreach (var bind in BubblewrapSandbox.CommonBinds.Concat(step.ReadOnlyBinds).Distinct())
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
            "--", BubblewrapSandbox.Prlimit,
            $"--cpu={(long)Math.Ceiling(l.CpuSeconds)}:{(long)Math.Ceiling(l.CpuSeconds) + 1}",
            $"--nproc={l.Processes}", $"--fsize={l.FileSizeBytes}", $"--nofile={l.OpenFiles}", "--core=0",
        ];
        foreach (var a in tail) yield return a;
        if (step.LimitAddressSpace) yield return $"--as={l.MemoryBytes * addressSpaceFactor}";
        // env -i: bwrap itself adds PWD after --clearenv; the program sees exactly PATH, HOME and LANG.
        string[] env = ["--", BubblewrapSandbox.Env, "-i", "PATH=/usr/bin:/bin", "HOME=/work", "LANG=C.UTF-8"];
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
