using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Accounts;

namespace PeerCode.Application.Accounts;

/// <summary>Account events to and from the event store: JSON data under their stable wire names.</summary>
public static class AccountEventCodec
{
    private static readonly JsonEventCodec<IAccountEvent> Codec = new(AccountEventTypes.ByName, new(JsonSerializerDefaults.Web));

    public static EventData Encode(IAccountEvent e, EventMetadata metadata) => Codec.Encode(e, metadata);

    /// <summary>The account event a stored record holds, or null for a type this version does not know (a newer writer's).</summary>
    public static IAccountEvent? Decode(RecordedEvent recorded) => Codec.Decode(recorded);
}
