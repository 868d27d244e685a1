using PeerCode.Application.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// STOPGAP (goes with the CRDT engine): a full structural decode of a Yjs update in the v1 encoding, keeping only what
/// <see cref="RoomDocument"/> needs: the clock each client's structs reach and whether it deletes. Written from the
/// published update format: per client [structCount, client, clock, struct*], then the delete set.
/// </summary>
public sealed record UpdateV1Shape(IReadOnlyDictionary<ulong, ulong> Ends, bool HasDeletes)
{
    public static readonly byte[] EmptyUpdate = [0, 0];

    public bool IsEmpty => Ends.Count == 0 && !HasDeletes;

    public static UpdateV1Shape Read(ReadOnlySpan<byte> update)
    {
        try
        {
            var r = new Lib0Reader(update);
            var ends = new Dictionary<ulong, ulong>();
            var clients = r.VarUint();
            for (var c = 0UL; c < clients; c++)
            {
                var structs = r.VarUint();
                var client = r.VarUint();
                var clock = r.VarUint();
                for (var s = 0UL; s < structs; s++) clock += ReadStruct(ref r);
                if (structs > 0) ends[client] = Math.Max(clock, ends.GetValueOrDefault(client));
            }
            var deleteClients = r.VarUint();
            var hasDeletes = false;
            for (var c = 0UL; c < deleteClients; c++)
            {
                r.VarUint();
                var ranges = r.VarUint();
                for (var i = 0UL; i < ranges; i++) { r.VarUint(); r.VarUint(); hasDeletes = true; }
            }
            if (!r.AtEnd) throw Invalid($"{r.Remaining} bytes follow the delete set.");
            return new UpdateV1Shape(ends, hasDeletes);
        }
        catch (YjsMessageException e) when (e.Code == "malformed-message")
        {
            throw Invalid(e.Message);
        }
    }

    private static ulong ReadStruct(ref Lib0Reader r)
    {
        var info = (uint)r.Fixed(1)[0];
        var content = info & 0x1f;
        if (content == 0 || content == 10) return Positive(r.VarUint()); // GC, Skip
        if ((info & 0x80) != 0) { r.VarUint(); r.VarUint(); } // origin
        if ((info & 0x40) != 0) { r.VarUint(); r.VarUint(); } // right origin
        if ((info & 0xc0) == 0)
        {
            if (r.VarUint() == 1) r.VarString(); else { r.VarUint(); r.VarUint(); } // parent: root name or item id
            if ((info & 0x20) != 0) r.VarString(); // parent sub (map key)
        }
        switch (content)
        {
            case 1: return Positive(r.VarUint()); // deleted
            case 2: { var n = r.VarUint(); for (var i = 0UL; i < n; i++) r.VarString(); return Positive(n); } // JSON
            case 3: r.VarBytes(); return 1; // binary
            case 4: return Positive((ulong)r.VarString().Length); // string, length in UTF-16 units like yjs
            case 5: r.VarString(); return 1; // embed
            case 6: r.VarString(); r.VarString(); return 1; // format
            case 7: { var type = r.VarUint(); if (type is 3 or 5) r.VarString(); return 1; } // type (xml element / hook carry a name)
            case 8: { var n = r.VarUint(); for (var i = 0UL; i < n; i++) ReadAny(ref r, 0); return Positive(n); } // any
            case 9: r.VarString(); ReadAny(ref r, 0); return 1; // subdocument
            default: throw Invalid($"content kind {content} does not exist.");
        }
    }

    private static void ReadAny(ref Lib0Reader r, int depth)
    {
        if (depth > 64) throw Invalid("a value is nested deeper than 64 levels.");
        var tag = r.Fixed(1)[0];
        switch (tag)
        {
            case 127 or 126 or 121 or 120: return; // undefined, null, false, true
            case 125: r.VarUint(); return; // integer (signed varint: same byte shape)
            case 124: r.Fixed(4); return;
            case 123: case 122: r.Fixed(8); return;
            case 119: r.VarString(); return;
            case 118: { var n = r.VarUint(); for (var i = 0UL; i < n; i++) { r.VarString(); ReadAny(ref r, depth + 1); } return; }
            case 117: { var n = r.VarUint(); for (var i = 0UL; i < n; i++) ReadAny(ref r, depth + 1); return; }
            case 116: r.VarBytes(); return;
            default: throw Invalid($"value tag {tag} does not exist.");
        }
    }

    private static ulong Positive(ulong length) => length > 0 ? length : throw Invalid("a struct has length 0.");

    private static YjsMessageException Invalid(string why) =>
        new("invalid-update", $"The update is not a valid Yjs update: {why.Replace("Malformed y-protocols message: ", "")}", hostile: true);
}
