using Microsoft.Extensions.Diagnostics.HealthChecks;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>
/// Healthy while the EventStoreDB node answers a read (of a stream nobody writes, so the answer is "not found" and
/// costs the server an index lookup); unhealthy with the port's error otherwise.
/// </summary>
public sealed class EventStoreDbHealthCheck(IEventStore store) : IHealthCheck
{
    public const string ProbeStream = "peercode-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        if (store is EventStoreDbEventStore esdb) data["server"] = esdb.Settings.ToString(); // the password is never shown
        try
        {
            await foreach (var _ in store.ReadStreamAsync(ProbeStream, StreamPosition.End, Direction.Backwards, 1, cancellationToken).ConfigureAwait(false)) { }
            return HealthCheckResult.Healthy("EventStoreDB answers.", data);
        }
        catch (EventStoreException e)
        {
            return HealthCheckResult.Unhealthy($"EventStoreDB does not answer: {e.Message}", e, data);
        }
    }
}
