namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>
/// A run's work directory: a fresh, size-limited tmpfs mounted by the host, owned by the sandbox uid and bound at
/// /work in every step of the run (so a compile step's output reaches the run steps).
/// The host writes the source files before any step runs and never reads, follows or walks anything in it
/// afterwards: results come only through pipes, and cleanup is a detached unmount of the whole tmpfs, so a symlink
/// planted by the program (the pattern of Judge0's 2024 escapes) is never resolved on the host.
/// </summary>
public sealed class SandboxWorkspace : IDisposable
{
    private int _disposed;
    private Action<SandboxWorkspace>? _retire;

    private SandboxWorkspace(string hostPath, long sizeBytes)
    {
        HostPath = hostPath;
        SizeBytes = sizeBytes;
    }

    public string HostPath { get; }

    /// <summary>The tmpfs's size limit.</summary>
    public long SizeBytes { get; }

    /// <summary>The bind source for the sandbox's /tmp (inside the same tmpfs, so it shares its size limit).</summary>
    public string TmpHostPath => Path.Combine(HostPath, ".tmp");

    /// <summary>The bind source for the sandbox's /dev/shm (runtimes such as Mono keep files there).</summary>
    public string ShmHostPath => Path.Combine(HostPath, ".shm");

    /// <param name="retire">Called by <see cref="Dispose"/> to tear the workspace down later (the sandbox's
    /// housekeeper); null to tear it down in <see cref="Dispose"/> itself.</param>
    public static SandboxWorkspace Create(string root, string name, long sizeBytes, int uid, Action<SandboxWorkspace>? retire = null)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the sandbox needs Linux (bubblewrap, tmpfs, cgroups)");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(path);
        try
        {
            Native.MountTmpfs(path, $"size={sizeBytes},nr_inodes=8192,mode=0700,uid={uid},gid={uid}");
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }
        var ws = new SandboxWorkspace(path, sizeBytes) { _retire = retire };
        foreach (var dir in new[] { ws.TmpHostPath, ws.ShmHostPath })
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF | UnixFileMode.StickyBit);
        }
        return ws;
    }

    private PreparedSandbox? _prepared;

    /// <summary>Runs on the housekeeper thread after the workspace was torn down (the pool's top-up, deferred until the run is over).</summary>
    internal Action? AfterRetire { get; set; }

    /// <summary>Whether a sandbox prepared ahead of demand is waiting in this workspace.</summary>
    internal bool HasPrepared => Volatile.Read(ref _prepared) is not null;

    /// <summary>Attaches a sandbox prepared in this workspace for its first step.</summary>
    internal void SetPrepared(PreparedSandbox prepared) => _prepared = prepared;

    /// <summary>The sandbox prepared here for a step with <paramref name="key"/> (any key when null), now the caller's; or null.</summary>
    internal PreparedSandbox? TakePrepared(string? key)
    {
        var p = Volatile.Read(ref _prepared);
        if (p is null || (key is not null && p.Key != key)) return null;
        return Interlocked.CompareExchange(ref _prepared, null, p) == p ? p : null;
    }

    /// <summary>Writes a source file before any step has run (CreateNew: nothing can be in the way yet).</summary>
    public void WriteFile(string fileName, ReadOnlySpan<byte> content)
    {
        if (fileName.Length == 0 || fileName.Contains('/') || fileName.StartsWith('.'))
            throw new ArgumentException($"'{fileName}' is not a plain file name", nameof(fileName));
        using var f = new FileStream(Path.Combine(HostPath, fileName), FileMode.CreateNew, FileAccess.Write);
        f.Write(content);
    }

    /// <summary>Done with the workspace: nothing of the run uses it any more. The unmount itself happens now or, when
    /// the sandbox gave a retire callback, a moment later off the run's path.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_retire is { } retire) retire(this);
        else TearDown();
    }

    /// <summary>Unmounts (detached: never walks the contents) and removes the empty mount point.</summary>
    internal void TearDown()
    {
        Native.UnmountDetached(HostPath);
        Directory.Delete(HostPath);
    }
}
