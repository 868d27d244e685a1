using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>Registers the embedded event store as the <see cref="IEventStore"/>, plus its "eventstore" health check.</summary>
public static class EventStoreServiceCollectionExtensions
{
    public const string DataDirectoryKey = "PeerCode:DataDirectory";
    public const string MaxEventBytesKey = "EventStore:MaxEventBytes";
    public const string MaxStreamNameLengthKey = "EventStore:MaxStreamNameLength";
    public const string HealthCheckName = "eventstore";

    public static IServiceCollection AddPeerCodeEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        var defaults = new EventStoreOptions();
        var options = new EventStoreOptions
        {
            DataDirectory = configuration[DataDirectoryKey] is { Length: > 0 } dir ? dir : defaults.DataDirectory,
            MaxEventBytes = PositiveInt(configuration, MaxEventBytesKey, defaults.MaxEventBytes),
            MaxStreamNameLength = PositiveInt(configuration, MaxStreamNameLengthKey, defaults.MaxStreamNameLength),
        };
        services.AddSingleton(options);
        services.AddSingleton<SqliteEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddHealthChecks().AddCheck<SqliteEventStoreHealthCheck>(HealthCheckName);
        return services;
    }

    private static int PositiveInt(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrEmpty(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"Configuration {key} must be a positive whole number, got '{text}'.");
    }
}
