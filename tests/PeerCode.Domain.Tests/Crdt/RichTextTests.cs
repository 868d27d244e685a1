using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Types;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>Local rich-text edits (attributes, format, embeds, deletes across marks) compared with yjs doing the same.</summary>
public sealed class RichTextTests
{
    private static readonly JsonArray Ops = JsonNode.Parse("""
        [
          ["insert", 0, "Hello world, this is rich text."],
          ["format", 0, 5, {"bold": true}],
          ["format", 6, 5, {"italic": true, "color": "#ff0000"}],
          ["insert", 5, "!!", {"bold": true}],
          ["insertEmbed", 8, {"image": "https://example.com/a.png", "width": 120.5}],
          ["format", 2, 10, {"bold": null}],
          ["insert", 0, "Title\n", {"header": 1}],
          ["format", 0, 20, {"link": "https://example.com"}],
          ["insert", 3, "plain"],
          ["format", 1, 3, {"italic": true}],
          ["insert", 40, " end", {"code": true}]
        ]
        """)!.AsArray();

    [Fact]
    public void Given_the_same_local_rich_text_edits_When_done_by_the_engine_and_yjs_Then_state_bytes_and_delta_are_identical()
    {
        var doc = new Doc(clientId: 77);
        var text = doc.GetText("rich");
        foreach (var op in Ops)
        {
            var a = op!.AsArray();
            switch (a[0]!.GetValue<string>())
            {
                case "insert": text.Insert(Int(a[1]), a[2]!.GetValue<string>(), a.Count > 3 ? Attributes(a[3]!) : null); break;
                case "insertEmbed": text.InsertEmbed(Int(a[1]), AnyValue.FromJson(a[2]!.ToJsonString())); break;
                case "format": text.Format(Int(a[1]), Int(a[2]), Attributes(a[3]!)); break;
                case "delete": text.Delete(Int(a[1]), Int(a[2])); break;
            }
        }
        var request = JsonSerializer.Serialize(new { id = "rich", op = "richText", client = 77, ops = Ops });
        var answer = YjsOracle.JsonLines(YjsOracle.Run("ops.mjs", stdin: request + "\n")).Single();
        answer.TryGetProperty("error", out var err).Should().BeFalse(err.ToString());

        DeltaJson(text.ToDelta()).Should().Be(answer.GetProperty("delta").GetString());
        Convert.ToHexString(doc.EncodeStateAsUpdate()).Should().Be(Convert.ToHexString(Convert.FromBase64String(answer.GetProperty("state").GetString()!)));

        // And the result survives a round trip through a fresh document.
        var copy = new Doc(clientId: 78);
        copy.ApplyUpdate(doc.EncodeStateAsUpdate());
        DeltaJson(copy.GetText("rich").ToDelta()).Should().Be(answer.GetProperty("delta").GetString());
    }

    [Fact]
    public void Given_formatted_text_When_a_range_across_marks_is_deleted_Then_the_delta_matches_yjs()
    {
        var ops = JsonNode.Parse("""
            [
              ["insert", 0, "abcdefghijklmnopqrstuvwxyz"],
              ["format", 3, 6, {"bold": true}],
              ["format", 6, 8, {"italic": true}],
              ["delete", 2, 9],
              ["insert", 2, "XY"],
              ["delete", 0, 3]
            ]
            """)!.AsArray();
        var doc = new Doc(clientId: 5);
        var text = doc.GetText("rich");
        foreach (var op in ops)
        {
            var a = op!.AsArray();
            switch (a[0]!.GetValue<string>())
            {
                case "insert": text.Insert(Int(a[1]), a[2]!.GetValue<string>()); break;
                case "format": text.Format(Int(a[1]), Int(a[2]), Attributes(a[3]!)); break;
                case "delete": text.Delete(Int(a[1]), Int(a[2])); break;
            }
        }
        var answer = YjsOracle.JsonLines(YjsOracle.Run("ops.mjs", stdin: JsonSerializer.Serialize(new { id = "d", op = "richText", client = 5, ops }) + "\n")).Single();
        DeltaJson(text.ToDelta()).Should().Be(answer.GetProperty("delta").GetString());
    }

    private static int Int(JsonNode? n) => n!.GetValue<int>();

    private static Dictionary<string, AnyValue?> Attributes(JsonNode node) =>
        node.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : AnyValue.FromJson(kv.Value.ToJsonString()));

    private static string DeltaJson(List<TextDeltaOp> delta)
    {
        var sb = new StringBuilder("[");
        foreach (var (op, i) in delta.Select((o, i) => (o, i)))
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"insert\":");
            if (op.Insert is string s) AnyValue.AppendJsString(sb, s);
            else ((AnyValue)op.Insert).WriteJson(sb);
            if (op.Attributes is not null)
            {
                sb.Append(",\"attributes\":");
                AnyValue.Object(op.Attributes.Select(kv => new KeyValuePair<string, AnyValue>(kv.Key, kv.Value)).ToList()).WriteJson(sb);
            }
            sb.Append('}');
        }
        return sb.Append(']').ToString();
    }
}
