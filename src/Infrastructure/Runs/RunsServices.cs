using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PeerCode.Infrastructure.Runs.Languages;
using PeerCode.Infrastructure.Runs.Sandbox;

namespace PeerCode.Infrastructure.Runs;

/// <summary>What this node can run: the sandbox (or why there is none) and the detected languages.</summary>
public sealed class RunsNode(BubblewrapSandbox? sandbox, string? sandboxUnavailable, LanguageCatalogue catalogue) : IDisposable
{
    public BubblewrapSandbox? Sandbox => sandbox;

    /// <summary>Why this node cannot run code at all (then it offers no languages), or null.</summary>
    public string? SandboxUnavailable => sandboxUnavailable;

    public LanguageCatalogue Catalogue => catalogue;

    /// <summary>The languages the editor may offer: none when the sandbox cannot run here.</summary>
    public IReadOnlyList<AvailableLanguage> Languages => sandbox is null ? [] : catalogue.Available;

    public void Dispose() => sandbox?.Dispose();
}

public static class RunsServices
{
    /// <summary>Registers the sandbox, the language catalogue (detected once, at first use) and the code runner.</summary>
    public static IServiceCollection AddRunSandbox(this IServiceCollection services, string workspaceRoot)
    {
        services.AddSingleton(sp =>
        {
            var unavailable = BubblewrapSandbox.UnavailableReason();
            var sandbox = unavailable is null
                ? new BubblewrapSandbox(workspaceRoot, log: sp.GetService<ILoggerFactory>()?.CreateLogger<BubblewrapSandbox>())
                : null;
            return new RunsNode(sandbox, unavailable, LanguageCatalogue.DetectAsync().GetAwaiter().GetResult());
        });
        services.AddSingleton(sp =>
        {
            var node = sp.GetRequiredService<RunsNode>();
            return new CodeRunner(
                node.Sandbox ?? throw new InvalidOperationException("this node cannot run code: " + node.SandboxUnavailable),
                node.Catalogue, RunLimits.Default, RunRequestLimits.Default);
        });
        return services;
    }
}
