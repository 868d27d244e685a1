using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Hosting;

/// <summary>Where projections run: in the web process (default), in their own process (`dotnet run --project src/Projections -- run`), or nowhere.</summary>
public enum ProjectionsMode { InProcess, External, Off }

/// <summary>
/// Registers the read-model store (queries use it in every mode), the projection engine, and in
/// <see cref="ProjectionsMode.InProcess"/> mode the hosted service that runs it. Keys: ReadModels:Provider (sqlite|postgres),
/// ReadModels:ConnectionString, Projections:Mode (inprocess|external|off), Projections:BatchSize, PeerCode:DataDirectory.
/// </summary>
public static class ProjectionsServiceCollectionExtensions
{
    public const string ProviderKey = "ReadModels:Provider";
    public const string ConnectionStringKey = "ReadModels:ConnectionString";
    public const string ModeKey = "Projections:Mode";
    public const string BatchSizeKey = "Projections:BatchSize";
    public const string LiveBatchDelayKey = "Projections:LiveBatchDelayMs";
    public const string DataDirectoryKey = "PeerCode:DataDirectory";

    public static IServiceCollection AddPeerCodeProjections(this IServiceCollection services, IConfiguration configuration, ProjectionsMode? modeOverride = null)
    {
        var mode = modeOverride ?? ModeOf(configuration);
        services.AddSingleton(CreateStore(configuration));
        var options = new ProjectionOptions();
        if (configuration[BatchSizeKey] is { Length: > 0 } text)
            options.BatchSize = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ReadModelConfigurationException($"{BatchSizeKey} must be a positive whole number, got '{text}'.");
        if (configuration[LiveBatchDelayKey] is { Length: > 0 } delay)
            options.LiveBatchDelay = int.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 60_000
                ? TimeSpan.FromMilliseconds(ms)
                : throw new ReadModelConfigurationException($"{LiveBatchDelayKey} must be a whole number of milliseconds from 0 to 60000, got '{delay}'.");
        services.AddSingleton(options);
        services.AddSingleton(new ProjectionsModeSetting(mode));
        services.AddSingleton(sp => new ProjectionEngine(
            sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IReadModelStore>(), AllProjections.Create(),
            sp.GetRequiredService<ProjectionOptions>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<ProjectionsHostedService>();
        return services;
    }

    public static ProjectionsMode ModeOf(IConfiguration configuration) => configuration[ModeKey]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "inprocess" => ProjectionsMode.InProcess,
        "external" => ProjectionsMode.External,
        "off" => ProjectionsMode.Off,
        var other => throw new ReadModelConfigurationException($"{ModeKey} must be inprocess, external or off, got '{other}'."),
    };

    public static IReadModelStore CreateStore(IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        return configuration[ProviderKey]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => string.IsNullOrWhiteSpace(connectionString)
                ? SqliteReadModelStore.InDirectory(configuration[DataDirectoryKey] is { Length: > 0 } dir ? dir : "./data")
                : new SqliteReadModelStore(connectionString),
            "postgres" or "postgresql" => new PostgresReadModelStore(connectionString ?? ""),
            var other => throw new ReadModelConfigurationException($"{ProviderKey} must be sqlite or postgres, got '{other}'."),
        };
    }
}

public sealed record ProjectionsModeSetting(ProjectionsMode Mode);

/// <summary>Applies read-model migrations before the host starts serving, then (in-process mode) runs every projection until shutdown.</summary>
internal sealed class ProjectionsHostedService(ProjectionEngine engine, ProjectionsModeSetting mode) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.Mode == ProjectionsMode.Off) return;
        await engine.MigrateAsync(cancellationToken);
        if (mode.Mode == ProjectionsMode.InProcess)
            _running = Task.Run(() => engine.RunAsync(_stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_running is not null) await _running.WaitAsync(cancellationToken);
    }
}
