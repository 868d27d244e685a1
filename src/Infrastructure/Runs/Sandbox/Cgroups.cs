namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// The cgroup v1 controllers (memory, pids, cpuacct) this process may delegate to its sandboxes. Each step's cgroups
/// are nested under this process's own cgroup (so every limit of the host's own placement still applies) in a
/// "peercode-sandbox" folder. Null from <see cref="Detect"/> with a reason when the host does not allow it; the
/// sandbox then falls back to rlimits only.
/// </summary>
public sealed class CgroupHost
{
    private static readonly string[] Controllers = ["memory", "pids", "cpuacct"];
    private readonly IReadOnlyDictionary<string, string> _parents;

    private CgroupHost(IReadOnlyDictionary<string, string> parents) => _parents = parents;

    /// <summary>The tasks files of this process's own cgroups (where the launcher thread returns after a start).</summary>
    private IEnumerable<string> HomeTasksFiles => _parents.Values.Select(p => Path.Combine(Path.GetDirectoryName(p)!, "tasks"));

    public static CgroupHost? Detect(out string? unavailableReason)
    {
        var parents = new Dictionary<string, string>();
        var mounts = File.ReadAllLines("/proc/self/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length >= 4 && f[2] == "cgroup")
            .ToList();
        var own = File.ReadAllLines("/proc/self/cgroup")
            .Select(l => l.Split(':', 3))
            .Where(f => f.Length == 3)
            .ToList();
        foreach (var controller in Controllers)
        {
            var mount = mounts.FirstOrDefault(f => f[3].Split(',').Contains(controller));
            var line = own.FirstOrDefault(f => f[1].Split(',').Contains(controller));
            if (mount is null || line is null)
            {
                unavailableReason = $"no cgroup v1 '{controller}' hierarchy is mounted";
                return null;
            }
            var parent = Path.Combine(mount[1] + line[2], "peercode-sandbox");
            try
            {
                Directory.CreateDirectory(parent);
                var probe = Path.Combine(parent, "probe-" + Environment.ProcessId);
                Directory.CreateDirectory(probe);
                Directory.Delete(probe);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                unavailableReason = $"cannot create cgroups under {parent}: {e.Message}";
                return null;
            }
            parents[controller] = parent;
        }
        unavailableReason = null;
        return new CgroupHost(parents);
    }

    /// <summary>The step cgroup folders (one per controller) under this host's sandbox parents.</summary>
    public IEnumerable<string> StepDirectories => _parents.Values.SelectMany(Directory.EnumerateDirectories);

    public StepCgroup Create(string name, SandboxLimits limits)
    {
        var dirs = Controllers.ToDictionary(c => c, c => Path.Combine(_parents[c], name));
        foreach (var d in dirs.Values) Directory.CreateDirectory(d);
        var cg = new StepCgroup(dirs, HomeTasksFiles.ToList());
        try
        {
            var memory = dirs["memory"];
            File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), limits.MemoryBytes.ToString());
            var memsw = Path.Combine(memory, "memory.memsw.limit_in_bytes");
            if (File.Exists(memsw)) File.WriteAllText(memsw, limits.MemoryBytes.ToString());
            File.WriteAllText(Path.Combine(memory, "memory.swappiness"), "0");
            File.WriteAllText(Path.Combine(dirs["pids"], "pids.max"), limits.Processes.ToString());
            return cg;
        }
        catch
        {
            cg.Dispose();
            throw;
        }
    }
}

/// <summary>One step's cgroups. <see cref="Dispose"/> kills whatever is left in them and removes them.</summary>
public sealed class StepCgroup : IDisposable
{
    private readonly IReadOnlyDictionary<string, string> _dirs;

    internal StepCgroup(IReadOnlyDictionary<string, string> dirs, IReadOnlyList<string> homeTasksFiles)
    {
        _dirs = dirs;
        HomeTasksFiles = homeTasksFiles;
    }

    /// <summary>The tasks files the launcher thread writes its thread id into just before it forks the sandbox.</summary>
    public IEnumerable<string> TasksFiles => _dirs.Values.Select(d => Path.Combine(d, "tasks"));

    /// <summary>The tasks files of the server's own cgroups, where the launcher thread goes back after the fork.</summary>
    public IReadOnlyList<string> HomeTasksFiles { get; }

    public long CpuMs => long.Parse(File.ReadAllText(Path.Combine(_dirs["cpuacct"], "cpuacct.usage")).Trim()) / 1_000_000;

    public long PeakMemoryKb => long.Parse(File.ReadAllText(Path.Combine(_dirs["memory"], "memory.max_usage_in_bytes")).Trim()) / 1024;

    /// <summary>How many times the kernel's OOM killer fired inside this cgroup (the oom_kill line of memory.oom_control).</summary>
    public long OomKills
    {
        get
        {
            foreach (var line in File.ReadAllLines(Path.Combine(_dirs["memory"], "memory.oom_control")))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                    return long.Parse(line["oom_kill ".Length..]);
            return 0;
        }
    }

    /// <summary>Moves any thread of this server found in the step's cgroups back to the server's own cgroups.</summary>
    public void EvictOwnThreads()
    {
        foreach (var tasks in TasksFiles)
        {
            foreach (var tid in File.ReadAllLines(tasks).Where(l => l.Length > 0))
            {
                if (!Directory.Exists($"/proc/self/task/{tid}")) continue;
                foreach (var home in HomeTasksFiles) File.WriteAllText(home, tid);
            }
        }
    }

    /// <summary>SIGKILLs every process in the step, repeatedly, until the pids cgroup is empty (a fork bomb is bounded by pids.max, so this converges).
    /// The server itself is never a target: a thread of it that strayed into the step is moved out instead.</summary>
    public void KillAll()
    {
        EvictOwnThreads();
        var procs = Path.Combine(_dirs["pids"], "cgroup.procs");
        for (var round = 0; round < 200; round++)
        {
            var pids = File.ReadAllLines(procs).Where(l => l.Length > 0).Select(int.Parse).Where(p => p != Environment.ProcessId).ToList();
            if (pids.Count == 0) return;
            foreach (var pid in pids) Native.Kill(pid, Native.SIGKILL);
            // Usually only bwrap's own pid 1, already on its way out, is left after a program's exit: give it the CPU
            // for a few rounds before sleeping (a 1 ms sleep costs a scheduler quantum on a loaded host).
            if (round < 5) Thread.Yield();
            else Thread.Sleep(round < 15 ? 1 : 10);
        }
        throw new InvalidOperationException($"processes survive SIGKILL in {procs}");
    }

    /// <summary>
    /// Kills whatever is left (synchronously: nothing of the run outlives this call), then removes the folders. The
    /// kernel releases a cgroup a moment after its last task is reaped (EBUSY until then), so folders that are not
    /// free yet are removed in the background instead of delaying the run's result.
    /// </summary>
    public void Dispose()
    {
        KillAll();
        var busy = _dirs.Values.Where(d => !TryRemove(d)).ToList();
        if (busy.Count == 0) return;
        _ = Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 1000 && busy.Count > 0; attempt++)
            {
                await Task.Delay(2);
                busy.RemoveAll(TryRemove);
            }
        });
    }

    private static bool TryRemove(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir);
            return true;
        }
        catch (IOException)
        {
            return false; // EBUSY: its last task is still being reaped.
        }
    }
}
