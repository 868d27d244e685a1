using System.Text.Json;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.Tests.Projections.Support;

/// <summary>Builds recorded events as the store would hand them out: global positions and per-stream revisions in order, JSON like the writers' (camelCase).</summary>
public sealed class History
{
    private readonly Dictionary<string, long> _revisions = new();
    private long _position = -1;

    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public List<RecordedEvent> Events { get; } = [];

    public static string Room(Guid id) => "room-" + id.ToString("N");

    public RecordedEvent Add(string stream, string type, object data, DateTimeOffset? recordedAt = null)
    {
        var revision = _revisions[stream] = _revisions.GetValueOrDefault(stream, -1) + 1;
        var e = new RecordedEvent(Guid.NewGuid(), stream, revision, ++_position, type,
            JsonSerializer.SerializeToUtf8Bytes(data, JsonSerializerOptions.Web), EventMetadata.Empty, recordedAt ?? T0.AddSeconds(_position));
        Events.Add(e);
        return e;
    }

    /// <summary>Adds an event exactly as a writer's codec encoded it.</summary>
    public RecordedEvent Add(string stream, EventData data, DateTimeOffset? recordedAt = null)
    {
        var revision = _revisions[stream] = _revisions.GetValueOrDefault(stream, -1) + 1;
        var e = new RecordedEvent(data.EventId, stream, revision, ++_position, data.Type, data.Data, data.Metadata, recordedAt ?? T0.AddSeconds(_position));
        Events.Add(e);
        return e;
    }

    public EventData ToEventData(RecordedEvent e) => new(e.EventId, e.Type, e.Data, e.Metadata);
}
