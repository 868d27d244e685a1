using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Domain.Runs;

namespace PeerCode.Application.Runs;

/// <summary>
/// JSON of the run events as stored in the room stream: camelCase properties, enums by their wire names
/// ("compile-error", "wrong-answer"), and the type name from <see cref="RunEventTypes"/>.
/// </summary>
public static class RunEventSerializer
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string TypeOf(RunEvent e) => RunEventTypes.Names[e.GetType()];

    public static byte[] Serialize(RunEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), Options);

    /// <summary>Null for event types that are not run events (the room stream holds every kind of room event).</summary>
    public static RunEvent? Deserialize(string type, ReadOnlySpan<byte> data) =>
        RunEventTypes.Types.TryGetValue(type, out var t) ? (RunEvent)JsonSerializer.Deserialize(data, t, Options)! : null;
}
