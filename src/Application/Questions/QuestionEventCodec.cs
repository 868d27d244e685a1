using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Questions;

namespace PeerCode.Application.Questions;

/// <summary>Question events to and from the event store: camelCase JSON, difficulty by its lower-case name, under the stable wire names.</summary>
public static class QuestionEventCodec
{
    private static readonly JsonEventCodec<IQuestionEvent> Codec = new(QuestionEventTypes.ByName, new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Descriptions and code are full of quotes, angle brackets and non-ASCII: stored as is, so an event's size is its text's size.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static JsonSerializerOptions Json => Codec.Json;

    public static EventData Encode(IQuestionEvent e, EventMetadata metadata) => Codec.Encode(e, metadata);

    /// <summary>The question event a stored record holds, or null for a type this version does not know (question.renamed.v1 included: it carries no content).</summary>
    public static IQuestionEvent? Decode(RecordedEvent recorded) => Codec.Decode(recorded);
}
