using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Web.Tests.Questions;

/// <summary>What a server stored, read straight from its SQLite event store file beside it (WAL allows a second reader).</summary>
public static class StoredEvents
{
    public static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(string dataDirectory, string? stream = null)
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = dataDirectory });
        var events = new List<RecordedEvent>();
        var read = stream is null
            ? store.ReadAllAsync(StreamPosition.Start, Direction.Forwards, int.MaxValue)
            : store.ReadStreamAsync(stream, StreamPosition.Start, Direction.Forwards, int.MaxValue);
        await foreach (var r in read) events.Add(r);
        return events;
    }

    public static async Task<IReadOnlyList<string>> TypesAsync(string dataDirectory, string? stream = null) =>
        (await ReadAsync(dataDirectory, stream)).Select(e => e.Type).ToList();
}
