using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>Starts one adapter for one contract test; disposing it closes the store and removes what it created.</summary>
public interface IEventStoreFactory : IAsyncDisposable
{
    Task<IEventStore> StartAsync();
}
