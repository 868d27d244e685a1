using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>Healthy while the writer runs and the file answers a read; reports the file path, last global position and writer queue length.</summary>
public sealed class SqliteEventStoreHealthCheck(SqliteEventStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["path"] = store.DatabasePath,
            ["writerQueueLength"] = store.WriterQueueLength,
            ["transactions"] = store.Transactions,
            ["appendsCommitted"] = store.AppendsCommitted,
            ["watchingOtherProcesses"] = store.IsWatchingOtherProcesses,
        };
        if (!store.IsOpen)
            return Task.FromResult(HealthCheckResult.Unhealthy("The event store is closed or its writer stopped.", data: data));
        try
        {
            data["lastPosition"] = store.ReadLastPosition();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or PeerCode.Application.EventStore.EventStoreException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Reading {store.DatabasePath} failed: {e.Message}", e, data));
        }
        return Task.FromResult(store.IsWatchingOtherProcesses
            ? HealthCheckResult.Healthy($"SQLite event store at {store.DatabasePath}", data)
            : HealthCheckResult.Degraded("The event store no longer notices other processes' commits; subscriptions see only this process's appends.", data: data));
    }
}
