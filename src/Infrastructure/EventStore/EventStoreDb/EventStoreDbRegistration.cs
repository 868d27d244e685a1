using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

public static class EventStoreDbRegistration
{
    public const string ConnectionStringKey = "EventStore:ConnectionString";
    /// <summary>The same name the embedded store's health check uses: /health reports whichever store runs.</summary>
    public const string HealthCheckName = "eventstore";

    /// <summary>
    /// Registers the EventStoreDB adapter as the <see cref="IEventStore"/> singleton, with its "eventstore" health check,
    /// when <c>EventStore:ConnectionString</c> is set, and returns whether it did (the composition root falls back to the embedded store otherwise). The string is
    /// parsed here, so a bad one stops the application at startup with <see cref="InvalidConnectionStringException"/>.
    /// </summary>
    public static bool AddEventStoreDbIfConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString)) return false;
        var settings = EventStoreDbSettings.Parse(connectionString);
        // The port's limits use the embedded store's keys, so one setting governs whichever adapter runs.
        settings = settings with
        {
            MaxEventBytes = PositiveInt(configuration, "EventStore:MaxEventBytes") ?? settings.MaxEventBytes,
            MaxStreamNameLength = PositiveInt(configuration, "EventStore:MaxStreamNameLength") ?? settings.MaxStreamNameLength,
        };
        services.AddSingleton<IEventStore>(_ => new EventStoreDbEventStore(settings));
        services.AddHealthChecks().AddCheck<EventStoreDbHealthCheck>(HealthCheckName);
        return true;
    }

    private static int? PositiveInt(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => null,
        var text when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        var text => throw new InvalidOperationException($"{key} must be a positive whole number, got '{text}'."),
    };
}
