using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Rooms;

/// <summary>Room events to and from the event store: JSON data (byte arrays as base64) under their stable wire names.</summary>
public static class RoomEventCodec
{
    private static readonly JsonEventCodec<IRoomEvent> Codec = new(RoomEventTypes.ByName, new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    });

    public static EventData Encode(IRoomEvent e, EventMetadata metadata) => Codec.Encode(e, metadata);

    /// <summary>The room event a stored record holds, or null for a type this version does not know (a newer writer's).</summary>
    public static IRoomEvent? Decode(RecordedEvent recorded) => Codec.Decode(recorded);

    public static bool IsRoomStream(string stream) => stream.StartsWith(RoomEventTypes.StreamPrefix, StringComparison.Ordinal);

    public static Guid? RoomIdOf(string stream) =>
        IsRoomStream(stream) && Guid.TryParseExact(stream.AsSpan(RoomEventTypes.StreamPrefix.Length), "N", out var id) ? id : null;
}
