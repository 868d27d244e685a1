using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>A fresh SQLite file in its own temp directory, deleted afterwards.</summary>
public sealed class SqliteStoreFactory : IEventStoreFactory
{
    private readonly TempDataDirectory _directory = new();
    private SqliteEventStore? _store;

    public Task<IEventStore> StartAsync()
    {
        _store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });
        return Task.FromResult<IEventStore>(_store);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>A unique directory under the temp folder, deleted with its contents on dispose.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "peercode-tests", Guid.NewGuid().ToString("N"));

    public TempDataDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
