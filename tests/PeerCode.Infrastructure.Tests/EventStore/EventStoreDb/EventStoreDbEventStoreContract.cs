using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>The shared contract against the real EventStoreDB named by PEERCODE_TEST_ESDB; skipped with that reason without one.</summary>
public sealed class EventStoreDbEventStoreContract : EventStoreContract<EventStoreDbStoreFactory>
{
    public static string? SkipReason => LiveEventStoreDb.SkipReason;
}

public sealed class EventStoreDbStoreFactory : IEventStoreFactory
{
    private EventStoreDbEventStore? _store;

    public Task<IEventStore> StartAsync() =>
        Task.FromResult<IEventStore>(_store = EventStoreDbEventStore.Connect(LiveEventStoreDb.ConnectionString!));

    public ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }
}
