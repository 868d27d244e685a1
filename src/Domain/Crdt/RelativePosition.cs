using System.Globalization;
using System.Text.Json.Nodes;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// A position that survives concurrent edits: the id of the character it sticks to (or the type's end), and
/// whether it associates with the character after it (assoc >= 0) or before it (assoc &lt; 0).
/// </summary>
public sealed record RelativePosition(Id? TypeId, string? TypeName, Id? ItemId, int Assoc)
{
    public static RelativePosition FromIndex(Branch type, int index, int assoc = 0)
    {
        if (assoc < 0)
        {
            if (index == 0) return For(type, null, assoc);
            index--;
        }
        for (var t = type.Start; t is not null; t = t.Right)
        {
            if (!t.Deleted && t.Countable)
            {
                if (t.Length > index) return For(type, new Id(t.Id.Client, t.Id.Clock + index), assoc);
                index -= t.Length;
            }
            if (t.Right is null && assoc < 0) return For(type, t.LastId, assoc);
        }
        return For(type, null, assoc);
    }

    private static RelativePosition For(Branch type, Id? item, int assoc) =>
        type.Item is null ? new RelativePosition(null, type.RootName, item, assoc) : new RelativePosition(type.Item.Id, null, item, assoc);

    /// <summary>The absolute index in <paramref name="doc"/> now, or null when the position's type or item is not there.</summary>
    public (Branch Type, int Index)? Resolve(Doc doc)
    {
        var store = doc.Store;
        if (ItemId is { } rightId)
        {
            if (store.GetState(rightId.Client) <= rightId.Clock) return null;
            if (store.Find(rightId) is not Item right || right.Parent is null) return null;
            var type = right.Parent;
            var index = 0;
            if (type.Item is null || !type.Item.Deleted)
            {
                index = right.Deleted || !right.Countable ? 0 : rightId.Clock - right.Id.Clock + (Assoc >= 0 ? 0 : 1);
                for (var n = right.Left; n is not null; n = n.Left)
                    if (!n.Deleted && n.Countable) index += n.Length;
            }
            return (type, index);
        }
        Branch? t;
        if (TypeName is not null) t = doc.GetOrCreateRoot(TypeName);
        else if (TypeId is { } typeId)
        {
            if (store.GetState(typeId.Client) <= typeId.Clock) return null;
            t = store.Find(typeId) is Item { Content: ContentType ct } ? ct.Type : null;
            if (t is null) return null;
        }
        else throw new InvalidOperationException("a relative position needs a type or an item");
        return (t, Assoc >= 0 ? t.Length : 0);
    }

    public byte[] Encode()
    {
        var w = new Lib0Writer(16);
        if (ItemId is { } item)
        {
            w.WriteVarUInt(0);
            w.WriteVarUInt(item.Client);
            w.WriteVarUInt((ulong)item.Clock);
        }
        else if (TypeName is not null)
        {
            w.WriteVarUInt(1);
            w.WriteVarString(TypeName);
        }
        else if (TypeId is { } type)
        {
            w.WriteVarUInt(2);
            w.WriteVarUInt(type.Client);
            w.WriteVarUInt((ulong)type.Clock);
        }
        else throw new InvalidOperationException("a relative position needs a type or an item");
        w.WriteVarInt(Assoc);
        return w.ToArray();
    }

    public static RelativePosition Decode(byte[] bytes)
    {
        var r = new Lib0Reader(bytes);
        Id? type = null, item = null;
        string? name = null;
        switch (r.ReadVarUInt())
        {
            case 0: item = new Id(r.ReadVarUInt32(), r.ReadVarIndex()); break;
            case 1: name = r.ReadVarString(); break;
            case 2: type = new Id(r.ReadVarUInt32(), r.ReadVarIndex()); break;
            default: throw new CrdtFormatException("unknown relative position kind");
        }
        var assoc = r.HasContent ? r.ReadVarInt() : 0;
        if (assoc is < int.MinValue or > int.MaxValue) throw new CrdtFormatException("relative position association out of range");
        if (r.HasContent) throw new CrdtFormatException("unexpected bytes after the relative position");
        return new RelativePosition(type, name, item, (int)assoc);
    }

    /// <summary>The JSON shape yjs uses (relativePositionToJSON), as found in awareness cursor states.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (TypeId is { } t) o["type"] = new JsonObject { ["client"] = t.Client, ["clock"] = t.Clock };
        if (TypeName is not null) o["tname"] = TypeName;
        if (ItemId is { } i) o["item"] = new JsonObject { ["client"] = i.Client, ["clock"] = i.Clock };
        if (Assoc != 0) o["assoc"] = Assoc;
        return o;
    }

    public static RelativePosition FromJson(JsonNode json)
    {
        static long Num(JsonNode? n) => n is null ? throw new FormatException("missing number") : long.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);
        static Id? ReadId(JsonNode? n) => n is null ? null : new Id(checked((uint)Num(n["client"])), checked((int)Num(n["clock"])));
        try
        {
            return new RelativePosition(ReadId(json["type"]), json["tname"]?.GetValue<string>(), ReadId(json["item"]),
                json["assoc"] is { } a ? checked((int)Num(a)) : 0);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new CrdtFormatException($"invalid relative position JSON: {e.Message}");
        }
    }
}
