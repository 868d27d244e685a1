using System.Text.Json;
using System.Text.Json.Nodes;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// The server's copy of one room's Yjs document (the CRDT engine's <see cref="Doc"/>), holding the shared text
/// <see cref="TextName"/> that y-monaco edits. Everything the room needs from a CRDT goes through this one class.
/// Not thread-safe: <see cref="LiveRoom"/> serialises access.
/// </summary>
public sealed class RoomDocument
{
    /// <summary>The name of the shared Y.Text the browser binds to Monaco.</summary>
    public const string TextName = "monaco";

    // The server never edits, so its own client id never appears in an update; any fixed value will do.
    private readonly Doc _doc = new(clientId: 0, gc: true);

    public static RoomDocument Empty() => new();

    public static RoomDocument FromSnapshot(byte[] state)
    {
        var document = new RoomDocument();
        document.Apply(Check(state));
        return document;
    }

    /// <summary>Decodes the whole update; throws <see cref="YjsMessageException"/> (nothing applied) when it is not a valid Yjs v1 update.</summary>
    public static CheckedUpdate Check(byte[] update)
    {
        try { return new CheckedUpdate(update, Update.DecodeV1(update)); }
        catch (CrdtFormatException e) { throw new YjsMessageException("invalid-update", $"The update is not a valid Yjs update: {e.Message}", hostile: true); }
    }

    public void Apply(CheckedUpdate update)
    {
        if (!update.IsEmpty) _doc.Apply(update.Decoded);
    }

    public string Text() => _doc.GetText(TextName).ToString();

    public byte[] EncodeState() => _doc.EncodeStateAsUpdate();

    public byte[] EncodeStateVector() => _doc.EncodeStateVector();

    /// <summary>
    /// A Yjs update, made by the server's own CRDT engine as Yjs client <paramref name="clientId"/>, that inserts
    /// <paramref name="text"/> at the start of the shared text; null when the document already holds text or the client
    /// id was already used here. The update is not applied: it goes through the same append as any edit first.
    /// </summary>
    public RoomDocument.CheckedUpdate? SeedUpdate(string text, uint clientId)
    {
        if (Text().Length > 0 || text.Length == 0 || _doc.GetStateVector().Clocks.ContainsKey(clientId)) return null;
        var writer = new Doc(clientId, gc: true);
        writer.ApplyUpdate(_doc.EncodeStateAsUpdate());
        var before = writer.EncodeStateVector();
        writer.GetText(TextName).Insert(0, text);
        return Check(writer.EncodeStateAsUpdate(before));
    }

    /// <summary>Everything a peer with <paramref name="stateVector"/> lacks, as one update (the sync step 2 payload).</summary>
    public byte[] DiffFor(byte[] stateVector)
    {
        try { return _doc.EncodeStateAsUpdate(stateVector); }
        catch (CrdtFormatException e) { throw YjsMessages.Malformed($"the state vector is invalid: {e.Message}"); }
    }

    /// <summary>
    /// The 1-based line and column a y-monaco relative position (the JSON form yjs puts in awareness states) points at
    /// in the shared text, or null when it is malformed or points elsewhere (another type, an unknown item).
    /// </summary>
    public TextPosition? Resolve(JsonElement relativePosition)
    {
        RelativePosition position;
        try { position = RelativePosition.FromJson(JsonNode.Parse(relativePosition.GetRawText())!); }
        catch (CrdtFormatException) { return null; }
        // Only the shared text: resolving by another root name would create that root in the server's document.
        if (position.TypeName is not null && position.TypeName != TextName) return null;
        if (position.TypeName is null && position.ItemId is null) return null;
        var text = _doc.GetText(TextName);
        if (position.Resolve(_doc) is not { } resolved || resolved.Type != text.Branch) return null;
        return LineColumn(text.ToString(), resolved.Index);
    }

    /// <summary>Monaco's position of a UTF-16 offset: 1-based line, 1-based column.</summary>
    public static TextPosition LineColumn(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = text.IndexOf('\n'); i >= 0 && i < index; i = text.IndexOf('\n', i + 1))
        {
            line++;
            lineStart = i + 1;
        }
        return new TextPosition(line, index - lineStart + 1);
    }

    public sealed record CheckedUpdate(byte[] Bytes, Update Decoded)
    {
        public bool IsEmpty => Decoded.Structs.Count == 0 && Decoded.DeleteSet.IsEmpty;

        /// <summary>The Yjs client whose structs the update carries (an editor's update carries only its own), or -1.</summary>
        public long ClientId => Decoded.Structs.Count > 0 ? Decoded.Structs.Keys.First() : -1;
    }
}
