using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Accounts;

namespace PeerCode.Application.Accounts;

/// <summary>Account events to and from the event store: JSON data under their stable wire names.</summary>
public static class AccountEventCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EventData Encode(IAccountEvent e, EventMetadata metadata) =>
        new(Guid.NewGuid(), AccountEventTypes.NameOf(e), JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), Json), metadata);

    /// <summary>The account event a stored record holds, or null for a type this version does not know (a newer writer's).</summary>
    public static IAccountEvent? Decode(RecordedEvent recorded) =>
        AccountEventTypes.ByName.TryGetValue(recorded.Type, out var type)
            ? (IAccountEvent?)JsonSerializer.Deserialize(recorded.Data.Span, type, Json)
            : null;
}
