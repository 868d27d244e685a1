using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>A real embedded event store on a fresh SQLite file, for tests of the code that stands on the port.</summary>
public sealed class SqliteTestStore : IAsyncDisposable
{
    private readonly TempDataDirectory _directory = new();

    public SqliteTestStore() => Store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });

    public SqliteEventStore Store { get; }

    /// <summary>The whole stream, oldest first.</summary>
    public async Task<List<RecordedEvent>> Stream(string stream)
    {
        var list = new List<RecordedEvent>();
        await foreach (var e in Store.ReadStreamAsync(stream, StreamPosition.Start, Direction.Forwards, int.MaxValue)) list.Add(e);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
