using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PeerCode.Domain.Crdt.Encoding;

public enum AnyKind : byte { Undefined, Null, Integer, Float32, Float64, BigInt, Boolean, String, Object, Array, Bytes }

/// <summary>
/// A lib0 "any" value exactly as it was encoded (integer, float32 and float64 stay distinct, object keys keep
/// their order), so values we do not interpret re-encode to the same bytes.
/// </summary>
public sealed class AnyValue : IEquatable<AnyValue>
{
    public static readonly AnyValue Undefined = new(AnyKind.Undefined);
    public static readonly AnyValue Null = new(AnyKind.Null);
    public static readonly AnyValue True = new(AnyKind.Boolean) { BooleanValue = true };
    public static readonly AnyValue False = new(AnyKind.Boolean);

    private AnyValue(AnyKind kind) => Kind = kind;

    public AnyKind Kind { get; }
    public long IntegerValue { get; private init; }
    public double NumberValue { get; private init; }
    public bool BooleanValue { get; private init; }
    public string StringValue { get; private init; } = "";
    public IReadOnlyList<KeyValuePair<string, AnyValue>> Entries { get; private init; } = [];
    public IReadOnlyList<AnyValue> Items { get; private init; } = [];
    public byte[] BytesValue { get; private init; } = [];

    public static AnyValue Integer(long v) => new(AnyKind.Integer) { IntegerValue = v };
    public static AnyValue Float32(float v) => new(AnyKind.Float32) { NumberValue = v };
    public static AnyValue Float64(double v) => new(AnyKind.Float64) { NumberValue = v };
    public static AnyValue BigInt(long v) => new(AnyKind.BigInt) { IntegerValue = v };
    public static AnyValue Boolean(bool v) => v ? True : False;
    public static AnyValue String(string v) => new(AnyKind.String) { StringValue = v };
    public static AnyValue Object(IReadOnlyList<KeyValuePair<string, AnyValue>> entries) => new(AnyKind.Object) { Entries = entries };
    public static AnyValue Array(IReadOnlyList<AnyValue> items) => new(AnyKind.Array) { Items = items };
    public static AnyValue Bytes(byte[] v) => new(AnyKind.Bytes) { BytesValue = v };

    /// <summary>A number the way lib0 chooses its encoding: small integers as varint, else float32 when exact, else float64.</summary>
    public static AnyValue Number(double v)
    {
        if (Math.Floor(v) == v && Math.Abs(v) <= int.MaxValue && !(v == 0 && double.IsNegative(v))) return Integer((long)v);
        return (float)v == v || double.IsNaN(v) ? Float32((float)v) : Float64(v);
    }

    public bool IsNumber => Kind is AnyKind.Integer or AnyKind.Float32 or AnyKind.Float64;
    public double AsNumber => Kind == AnyKind.Integer ? IntegerValue : NumberValue;

    /// <summary>JSON text as JavaScript's JSON.stringify writes it (undefined becomes null inside arrays, is dropped in objects).</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        WriteJson(sb);
        return sb.ToString();
    }

    public void WriteJson(StringBuilder sb)
    {
        switch (Kind)
        {
            case AnyKind.Undefined:
            case AnyKind.Null: sb.Append("null"); break;
            case AnyKind.Integer: sb.Append(IntegerValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyKind.Float32:
            case AnyKind.Float64: sb.Append(JsNumber(NumberValue)); break;
            case AnyKind.BigInt: sb.Append(IntegerValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyKind.Boolean: sb.Append(BooleanValue ? "true" : "false"); break;
            case AnyKind.String: AppendJsString(sb, StringValue); break;
            case AnyKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in Entries)
                {
                    if (v.Kind == AnyKind.Undefined) continue;
                    if (!first) sb.Append(',');
                    first = false;
                    AppendJsString(sb, k);
                    sb.Append(':');
                    v.WriteJson(sb);
                }
                sb.Append('}');
                break;
            case AnyKind.Array:
                sb.Append('[');
                for (var i = 0; i < Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Items[i].WriteJson(sb);
                }
                sb.Append(']');
                break;
            case AnyKind.Bytes:
                // JSON.stringify(Uint8Array) gives an object keyed by index.
                sb.Append('{');
                for (var i = 0; i < BytesValue.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append('"').Append(i).Append("\":").Append(BytesValue[i]);
                }
                sb.Append('}');
                break;
        }
    }

    /// <summary>A JSON string literal exactly as JavaScript's JSON.stringify writes it.</summary>
    public static void AppendJsString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
                    else if (char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    public static string JsString(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        AppendJsString(sb, s);
        return sb.ToString();
    }

    private static string JsNumber(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return "null";
        if (Math.Floor(v) == v && Math.Abs(v) < 1e21) return v.ToString("0", CultureInfo.InvariantCulture);
        return v.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+").Replace("E-", "e-");
    }

    /// <summary>Parses JSON text (as produced by JSON.stringify) into a value, with the same depth limit as binary input.</summary>
    public static AnyValue FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Lib0Reader.MaxAnyDepth });
            return FromElement(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new CrdtFormatException($"invalid JSON value: {e.Message}");
        }
    }

    private static AnyValue FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => Null,
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.String => String(e.GetString()!),
        JsonValueKind.Number => Number(e.GetDouble()),
        JsonValueKind.Array => Array(e.EnumerateArray().Select(FromElement).ToList()),
        JsonValueKind.Object => Object(e.EnumerateObject().Select(p => new KeyValuePair<string, AnyValue>(p.Name, FromElement(p.Value))).ToList()),
        _ => Undefined,
    };

    public bool Equals(AnyValue? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (IsNumber && other.IsNumber) return AsNumber.Equals(other.AsNumber);
        if (Kind != other.Kind) return false;
        return Kind switch
        {
            AnyKind.Undefined or AnyKind.Null => true,
            AnyKind.BigInt => IntegerValue == other.IntegerValue,
            AnyKind.Boolean => BooleanValue == other.BooleanValue,
            AnyKind.String => StringValue == other.StringValue,
            AnyKind.Bytes => BytesValue.AsSpan().SequenceEqual(other.BytesValue),
            AnyKind.Array => Items.Count == other.Items.Count && Items.Zip(other.Items).All(p => p.First.Equals(p.Second)),
            AnyKind.Object => Entries.Count == other.Entries.Count && Entries.All(kv => other.Entries.Any(o => o.Key == kv.Key && o.Value.Equals(kv.Value))),
            _ => false,
        };
    }

    public override bool Equals(object? obj) => Equals(obj as AnyValue);
    public override int GetHashCode() => HashCode.Combine(Kind, IntegerValue, NumberValue, StringValue);
    public override string ToString() => ToJson();
}
