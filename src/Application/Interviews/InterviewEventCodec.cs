using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>Interview events to and from the event store: camelCase JSON under their stable wire names.</summary>
public static class InterviewEventCodec
{
    private static readonly JsonEventCodec<IInterviewEvent> Codec = new(InterviewEventTypes.ByName, new(JsonSerializerDefaults.Web));

    public static EventData Encode(IInterviewEvent e, EventMetadata metadata) => Codec.Encode(e, metadata);

    /// <summary>The interview event a stored record holds, or null for a type this version does not know.</summary>
    public static IInterviewEvent? Decode(RecordedEvent recorded) => Codec.Decode(recorded);
}
