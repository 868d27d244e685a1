using System.Runtime.InteropServices;

namespace PeerCode.Infrastructure.Runs.Sandbox;

/// <summary>The few libc calls the sandbox needs that .NET does not expose: kill, mount and umount2.</summary>
internal static partial class Native
{
    public const int SIGKILL = 9;
    public const int MNT_DETACH = 2;
    public const ulong MS_NOSUID = 2, MS_NODEV = 4;
    private const int ESRCH = 3;

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
