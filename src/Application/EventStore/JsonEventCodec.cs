using System.Text.Json;

namespace PeerCode.Application.EventStore;

/// <summary>
/// One aggregate's events to and from the event store: JSON data under their stable wire names (the aggregate's name
/// table). Each aggregate's codec (rooms, accounts, interviews, questions) is this with its own table and JSON options.
/// </summary>
public sealed class JsonEventCodec<TEvent>(IReadOnlyDictionary<string, Type> byName, JsonSerializerOptions json) where TEvent : class
{
    private readonly IReadOnlyDictionary<Type, string> _byType = byName.ToDictionary(p => p.Value, p => p.Key);

    public JsonSerializerOptions Json { get; } = json;

    public EventData Encode(TEvent e, EventMetadata metadata) =>
        new(Guid.NewGuid(), _byType[e.GetType()], JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), Json), metadata);

    /// <summary>The event a stored record holds, or null for a type this version does not know (a newer writer's).</summary>
    public TEvent? Decode(RecordedEvent recorded) =>
        byName.TryGetValue(recorded.Type, out var type) ? (TEvent?)JsonSerializer.Deserialize(recorded.Data.Span, type, Json) : null;
}
