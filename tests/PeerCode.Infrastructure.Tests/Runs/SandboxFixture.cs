using Xunit;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Languages;
using PeerCode.Infrastructure.Runs.Sandbox;

namespace PeerCode.Infrastructure.Tests.Runs;

/// <summary>
/// A real sandbox on this machine (bubblewrap, cgroups, tmpfs): scripts/test.sh installs bubblewrap and every
/// catalogued toolchain (scripts/deps/test.apt), so nothing here is skipped when something is missing: it fails.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public static readonly string WorkspaceRoot = Path.Combine(Path.GetTempPath(), "peercode-sandbox-tests");

    public BubblewrapSandbox Sandbox { get; private set; } = null!;
    public LanguageCatalogue Catalogue { get; private set; } = null!;

    /// <summary>Tight limits so that the adversarial cases finish fast.</summary>
    public static RunLimits Tight { get; } = new(
        SandboxLimits.Default with { CpuSeconds = 1, WallMs = 2_000, MemoryBytes = 128L << 20, Processes = 32 },
        SandboxLimits.DefaultCompile,
        64L << 20);

    /// <summary>
    /// <see cref="Tight"/> with a generous wall clock, for the cases whose verdict is not about time (a memory bomb,
    /// an output flood, a healthy run): on a machine busy with the other test assemblies a 2 s wall clock could end
    /// them first and turn the verdict into time-limit (seen in CI: a rlimit memory bomb had already printed its
    /// MemoryError when the wall clock fired).
    /// </summary>
    public static RunLimits TightPatientWall { get; } = Tight with { Run = Tight.Run with { WallMs = 15_000 } };

    public CodeRunner Runner(RunLimits? limits = null) => new(Sandbox, Catalogue, limits ?? RunLimits.Default, RunRequestLimits.Default);

    public async Task InitializeAsync()
    {
        var unavailable = BubblewrapSandbox.UnavailableReason();
        if (unavailable is not null) throw new InvalidOperationException("the sandbox cannot run on this machine: " + unavailable);
        Sandbox = new BubblewrapSandbox(WorkspaceRoot);
        Catalogue = await LanguageCatalogue.DetectAsync();
    }

    public Task DisposeAsync()
    {
        Sandbox.Dispose();
        return Task.CompletedTask;
    }
}
