using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Questions;

namespace PeerCode.Application.Questions;

/// <summary>Question events to and from the event store: camelCase JSON, difficulty by its lower-case name, under the stable wire names.</summary>
public static class QuestionEventCodec
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Descriptions and code are full of quotes, angle brackets and non-ASCII: stored as is, so an event's size is its text's size.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static EventData Encode(IQuestionEvent e, EventMetadata metadata) =>
        new(Guid.NewGuid(), QuestionEventTypes.NameOf(e), JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), Json), metadata);

    /// <summary>The question event a stored record holds, or null for a type this version does not know (question.renamed.v1 included: it carries no content).</summary>
    public static IQuestionEvent? Decode(RecordedEvent recorded) =>
        QuestionEventTypes.ByName.TryGetValue(recorded.Type, out var type)
            ? (IQuestionEvent?)JsonSerializer.Deserialize(recorded.Data.Span, type, Json)
            : null;
}
