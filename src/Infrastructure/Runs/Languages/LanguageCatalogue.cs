using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Infrastructure.Runs.Sandbox;

namespace PeerCode.Infrastructure.Runs.Languages;

/// <summary>One sandboxed step of a language (compile or run), as the catalogue describes it.</summary>
public sealed record LanguageStep(
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Binds,
    bool LimitAddressSpace,
    LimitOverrides? Limits = null)
{
    /// <summary>The command with {memoryMb} replaced by the step's memory limit.</summary>
    public IReadOnlyList<string> CommandFor(SandboxLimits limits) =>
        Command.Select(a => a.Replace("{memoryMb}", (limits.MemoryBytes >> 20).ToString(), StringComparison.Ordinal)).ToList();
}

/// <summary>Per-language overrides of the default limits; null fields keep the default.</summary>
public sealed record LimitOverrides(double? CpuSeconds, int? WallMs, long? MemoryBytes, int? Processes)
{
    public SandboxLimits ApplyTo(SandboxLimits d) => d with
    {
        CpuSeconds = CpuSeconds ?? d.CpuSeconds,
        WallMs = WallMs ?? d.WallMs,
        MemoryBytes = MemoryBytes ?? d.MemoryBytes,
        Processes = Processes ?? d.Processes,
    };
}

/// <summary>A catalogued language. <see cref="Compile"/> is null for interpreted languages.</summary>
public sealed record LanguageDefinition(
    string Id,
    string Name,
    string EditorLanguage,
    string FileName,
    LanguageStep? Compile,
    LanguageStep Run,
    IReadOnlyList<string> Version,
    IReadOnlyList<string> DebianPackages,
    IReadOnlyList<string> OutOfMemorySignatures);

/// <summary>A language this node can run, with the version its toolchain reports.</summary>
public sealed record AvailableLanguage(LanguageDefinition Definition, string Version, IReadOnlyList<string> CompileBinds, IReadOnlyList<string> RunBinds);

/// <summary>A catalogued language this node cannot run, and why.</summary>
public sealed record MissingLanguage(LanguageDefinition Definition, string Reason);

/// <summary>
/// The data-driven language catalogue (Runs/Languages/languages.json, embedded) and what of it this node can run.
/// Detection runs each version command once, on the host, when the catalogue is built; the result is cached.
/// </summary>
public sealed class LanguageCatalogue
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, AvailableLanguage> _available;

    private LanguageCatalogue(IReadOnlyList<LanguageDefinition> all, List<AvailableLanguage> available, List<MissingLanguage> missing)
    {
        All = all;
        Available = available;
        Missing = missing;
        _available = available.ToDictionary(a => a.Definition.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<LanguageDefinition> All { get; }

    public IReadOnlyList<AvailableLanguage> Available { get; }

    public IReadOnlyList<MissingLanguage> Missing { get; }

    public bool TryGet(string id, out AvailableLanguage language) => _available.TryGetValue(id, out language!);

    public static IReadOnlyList<LanguageDefinition> LoadDefinitions()
    {
        using var stream = typeof(LanguageCatalogue).Assembly.GetManifestResourceStream("PeerCode.Runs.languages.json")
            ?? throw new InvalidOperationException("the embedded language catalogue is missing");
        var file = JsonSerializer.Deserialize<CatalogueFile>(stream, Json) ?? throw new InvalidOperationException("the language catalogue is empty");
        return file.Languages;
    }

    /// <summary>Loads the catalogue and detects which languages this node has (runs every version command once, in parallel).</summary>
    public static async Task<LanguageCatalogue> DetectAsync(CancellationToken ct = default)
    {
        var all = LoadDefinitions();
        var results = await Task.WhenAll(all.Select(d => DetectOneAsync(d, ct)));
        return new LanguageCatalogue(
            all,
            results.Select(r => r.Available).OfType<AvailableLanguage>().ToList(),
            results.Select(r => r.Missing).OfType<MissingLanguage>().ToList());
    }

    private static async Task<(AvailableLanguage? Available, MissingLanguage? Missing)> DetectOneAsync(LanguageDefinition d, CancellationToken ct)
    {
        var runBinds = ExpandBinds(d.Run.Binds, out var missingRun);
        string? missingCompile = null;
        var compileBinds = d.Compile is null ? [] : ExpandBinds(d.Compile.Binds, out missingCompile);
        var missingPath = missingRun ?? missingCompile;
        if (missingPath is not null)
            return (null, new MissingLanguage(d, $"{missingPath} does not exist (Debian packages: {string.Join(' ', d.DebianPackages)})"));

        if (!File.Exists(d.Version[0]))
            return (null, new MissingLanguage(d, $"{d.Version[0]} does not exist (Debian packages: {string.Join(' ', d.DebianPackages)})"));
        var psi = new ProcessStartInfo(d.Version[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in d.Version.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(VersionTimeout);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            p.Kill(entireProcessTree: true);
            return (null, new MissingLanguage(d, $"'{string.Join(' ', d.Version)}' did not answer within {VersionTimeout.TotalSeconds} s"));
        }
        var text = (await stdout).Trim() is { Length: > 0 } o ? o : (await stderr).Trim();
        if (p.ExitCode != 0)
            return (null, new MissingLanguage(d, $"'{string.Join(' ', d.Version)}' failed with exit code {p.ExitCode}: {text}"));
        var version = text.Split('\n')[0].Trim();
        return (new AvailableLanguage(d, version, compileBinds, runBinds), null);
    }

    /// <summary>Resolves each bind; a trailing * in the last segment matches directories and files by prefix.</summary>
    private static List<string> ExpandBinds(IReadOnlyList<string> binds, out string? missing)
    {
        var result = new List<string>();
        missing = null;
        foreach (var bind in binds)
        {
            if (bind.EndsWith('*'))
            {
                var dir = Path.GetDirectoryName(bind)!;
                var prefix = Path.GetFileName(bind)[..^1];
                var matches = Directory.Exists(dir)
                    ? Directory.EnumerateFileSystemEntries(dir, prefix + "*").Order(StringComparer.Ordinal).ToList()
                    : [];
                if (matches.Count == 0) missing ??= bind;
                result.AddRange(matches);
            }
            else if (File.Exists(bind) || Directory.Exists(bind))
            {
                result.Add(bind);
            }
            else
            {
                missing ??= bind;
            }
        }
        return result;
    }

    private sealed record CatalogueFile(List<LanguageDefinition> Languages);
}
