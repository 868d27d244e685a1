using System.Text.Json.Nodes;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>The messages recorded from a real EventStoreDB 23.10.8 in ../shared/eventstoredb/golden-payloads.json.</summary>
internal static class GoldenPayloads
{
    public sealed record Message(string Name, string Direction, string Type, byte[] Payload, JsonObject Decoded);

    private static readonly Lazy<IReadOnlyList<Message>> All = new(Load);

    public static IReadOnlyList<Message> Messages => All.Value;

    public static IReadOnlyList<Message> Requests(string name) => Of(name, "request");

    public static IReadOnlyList<Message> Responses(string name) => Of(name, "response");

    private static IReadOnlyList<Message> Of(string name, string direction)
    {
        var found = Messages.Where(m => m.Name == name && m.Direction == direction).ToList();
        if (found.Count == 0) throw new InvalidOperationException($"No recorded {direction} named '{name}'.");
        return found;
    }

    public static string SharedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        }
        throw new InvalidOperationException($"PeerCode.sln not found above {AppContext.BaseDirectory}.");
    }

    private static IReadOnlyList<Message> Load()
    {
        var path = Path.Combine(SharedFolder(), "eventstoredb", "golden-payloads.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return root["messages"]!.AsArray()
            .Select(m => new Message(
                (string)m!["name"]!,
                (string)m["dir"]!,
                (string)m["type"]!,
                Convert.FromHexString((string)m["hex"]!),
                m["decoded"]!.AsObject()))
            .ToList();
    }

    /// <summary>
    /// Checks a message we parsed (formatted as proto JSON with proto field names) against the recorder's decoding:
    /// every field we see must be there with the same value; the recorder's extra keys may only be oneof case names
    /// or fields at their default value (which it printed and proto3 does not carry).
    /// </summary>
    public static void AssertSameDecoding(JsonNode? ours, JsonNode? recorded, string path)
    {
        switch (ours)
        {
            case JsonObject o:
                if (recorded is not JsonObject r) throw new Xunit.Sdk.XunitException($"{path}: we decode an object, the recording has {recorded?.ToJsonString()}");
                foreach (var (key, value) in o)
                {
                    if (!r.ContainsKey(key)) throw new Xunit.Sdk.XunitException($"{path}.{key}: present in our decoding, missing from the recording");
                    AssertSameDecoding(value, r[key], $"{path}.{key}");
                }
                foreach (var (key, value) in r)
                {
                    if (o.ContainsKey(key)) continue;
                    var isOneofName = value is JsonValue v && v.TryGetValue<string>(out var s) && o.ContainsKey(s);
                    var isDefault = value is JsonValue d && d.ToJsonString() is "0" or "false" or "\"\"" or "\"0\"";
                    if (!isOneofName && !isDefault)
                        throw new Xunit.Sdk.XunitException($"{path}.{key}: the recording has {value?.ToJsonString()}, our decoding does not");
                }
                break;
            case JsonArray a:
                if (recorded is not JsonArray ra || ra.Count != a.Count) throw new Xunit.Sdk.XunitException($"{path}: arrays differ");
                for (var i = 0; i < a.Count; i++) AssertSameDecoding(a[i], ra[i], $"{path}[{i}]");
                break;
            default:
                if (ours?.ToJsonString() != recorded?.ToJsonString())
                    throw new Xunit.Sdk.XunitException($"{path}: we decode {ours?.ToJsonString()}, the recording says {recorded?.ToJsonString()}");
                break;
        }
    }

    public static JsonNode ToRecorderJson(Google.Protobuf.IMessage message)
    {
        var formatter = new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default
            .WithPreserveProtoFieldNames(true)
            .WithFormatEnumsAsIntegers(true));
        return JsonNode.Parse(formatter.Format(message))!;
    }
}
