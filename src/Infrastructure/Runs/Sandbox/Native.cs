using System.Runtime.InteropServices;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>The few libc calls the sandbox needs that .NET does not expose: kill, mount, umount2, pipes for bwrap's --block-fd.</summary>
internal static partial class Native
{
    public const int SIGKILL = 9;
    public const int MNT_DETACH = 2;
    public const ulong MS_NOSUID = 2, MS_NODEV = 4;
    private const int ESRCH = 3;

    private const int F_SETFD = 2, O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2Raw(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlRaw(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteRaw(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    /// <summary>A pipe whose two ends are close-on-exec (so no child inherits them unless asked).</summary>
    public static unsafe (int Read, int Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (Pipe2Raw(fds, O_CLOEXEC) != 0) throw new IOException($"pipe2 failed: {Marshal.GetLastPInvokeErrorMessage()}");
        return (fds[0], fds[1]);
    }

    /// <summary>Lets the next exec'd child inherit <paramref name="fd"/>.</summary>
    public static void ClearCloseOnExec(int fd)
    {
        if (FcntlRaw(fd, F_SETFD, 0) != 0) throw new IOException($"fcntl({fd}, F_SETFD) failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>Writes one byte; false when nobody reads any more (EPIPE) or the fd is bad.</summary>
    public static unsafe bool TryWriteByte(int fd, byte value) => WriteRaw(fd, &value, 1) == 1;

    public static void Close(int fd) => CloseRaw(fd);

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillRaw(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountRaw(string source, string target, string fstype, ulong flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2Raw(string target, int flags);

    /// <summary>Sends a signal; a process that is already gone is not an error.</summary>
    public static void Kill(int pid, int signal)
    {
        if (KillRaw(pid, signal) != 0 && Marshal.GetLastPInvokeError() != ESRCH)
            throw new IOException($"kill({pid}, {signal}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public static void MountTmpfs(string target, string options)
    {
        if (MountRaw("peercode-sandbox", target, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
            throw new IOException($"mount tmpfs on {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public static void UnmountDetached(string target)
    {
        if (Umount2Raw(target, MNT_DETACH) != 0)
            throw new IOException($"umount {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }
}
