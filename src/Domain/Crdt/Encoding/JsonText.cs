namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>
/// A JSON value inside an embed or a formatting attribute. Format v1 carries it as JSON text, v2 as an "any"
/// value; we keep whichever arrived so re-encoding in the same format gives the same bytes.
/// </summary>
public sealed class JsonText
{
    private string? _json;
    private AnyValue? _value;

    private JsonText(string? json, AnyValue? value)
    {
        _json = json;
        _value = value;
    }

    /// <summary>From JSON text as read from the wire; rejected with a typed error unless it parses.</summary>
    public static JsonText FromJson(string json) => new(json, AnyValue.FromJson(json));

    public static JsonText FromValue(AnyValue value) => new(null, value);

    public string Json => _json ??= _value!.ToJson();
    public AnyValue Value => _value!;

    public bool IsNull => Value.Kind is AnyKind.Null or AnyKind.Undefined;

    public override string ToString() => Json;
}
