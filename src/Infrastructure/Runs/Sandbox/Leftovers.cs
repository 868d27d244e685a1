namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// Workspaces and step cgroups are named "p{serverPid}-{guid}". A server that died mid-run leaves its tmpfs mounted
/// (its sandboxes died with it: PDEATHSIG); the next server on the host unmounts and removes what belongs to servers
/// that are no longer alive, and nothing of a live one (several nodes may share a host).
/// </summary>
internal static class Leftovers
{
    public static string OwnPrefix { get; } = $"p{Environment.ProcessId}-";

    public static void CleanUp(string workspaceRoot)
    {
        if (!Directory.Exists(workspaceRoot)) return;
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).ToHashSet();
        foreach (var dir in Directory.EnumerateDirectories(workspaceRoot))
        {
            if (!IsDeadServers(Path.GetFileName(dir))) continue;
            if (mounts.Contains(dir)) Native.UnmountDetached(dir);
            Directory.Delete(dir);
        }
    }

    public static void CleanUp(CgroupHost cgroups)
    {
        foreach (var dir in cgroups.StepDirectories.Where(d => IsDeadServers(Path.GetFileName(d))).ToList())
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                // EBUSY: something still lives in it (it cannot be a sandbox of the dead server: PDEATHSIG killed those).
            }
        }
    }

    /// <summary>True for "p{pid}-..." names whose server process no longer exists.</summary>
    private static bool IsDeadServers(string name)
    {
        if (!name.StartsWith('p')) return false;
        var dash = name.IndexOf('-');
        return dash > 1 && int.TryParse(name.AsSpan(1, dash - 1), out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
    }
}
