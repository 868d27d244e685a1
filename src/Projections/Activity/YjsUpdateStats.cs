using System.Text;

namespace PeerCode.Projections.Activity;

/// <summary>What one Yjs v1 update did to the text: characters inserted (UTF-16 units, as Yjs counts them) and items deleted.</summary>
public readonly record struct YjsEditStats(long Inserted, long Deleted);

/// <summary>
/// Reads just enough of a Yjs v1 update (structs, then the delete set) to count inserted string content and
/// deleted items, following the published update format. Not a CRDT: it never integrates anything.
/// </summary>
public static class YjsUpdateStats
{
    /// <summary>The counts, or null when the bytes are not a well-formed v1 update.</summary>
    public static YjsEditStats? TryRead(ReadOnlySpan<byte> update)
    {
        var r = new Reader(update);
        try
        {
            long inserted = 0, deleted = 0;
            var clients = r.VarUInt();
            for (ulong c = 0; c < clients; c++)
            {
                var structs = r.VarUInt();
                r.VarUInt(); // client
                r.VarUInt(); // first clock
                for (ulong s = 0; s < structs; s++)
                    inserted += ReadStruct(ref r);
            }
            var dsClients = r.VarUInt();
            for (ulong c = 0; c < dsClients; c++)
            {
                r.VarUInt(); // client
                var ranges = r.VarUInt();
                for (ulong i = 0; i < ranges; i++)
                {
                    r.VarUInt(); // clock
                    deleted += (long)r.VarUInt();
                }
            }
            return new YjsEditStats(inserted, deleted);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static long ReadStruct(ref Reader r)
    {
        var info = r.Byte();
        var contentRef = info & 0x1F;
        switch (contentRef)
        {
            case 0: // GC
            case 10: // Skip
                r.VarUInt();
                return 0;
        }
        if ((info & 0x80) != 0) { r.VarUInt(); r.VarUInt(); } // origin
        if ((info & 0x40) != 0) { r.VarUInt(); r.VarUInt(); } // right origin
        if ((info & 0xC0) == 0)
        {
            if (r.VarUInt() == 1) r.Skip((int)r.VarUInt()); // parent is a root type name
            else { r.VarUInt(); r.VarUInt(); } // parent is an item id
            if ((info & 0x20) != 0) r.Skip((int)r.VarUInt()); // parentSub
        }
        switch (contentRef)
        {
            case 1: r.VarUInt(); return 0; // deleted
            case 2: { var n = r.VarUInt(); for (ulong i = 0; i < n; i++) r.Skip((int)r.VarUInt()); return 0; } // JSON
            case 3: r.Skip((int)r.VarUInt()); return 0; // binary
            case 4: return Utf16Length(r.Bytes((int)r.VarUInt())); // string
            case 5: r.Skip((int)r.VarUInt()); return 0; // embed
            case 6: r.Skip((int)r.VarUInt()); r.Skip((int)r.VarUInt()); return 0; // format
            case 7: { var t = r.VarUInt(); if (t == 3 || t == 5) r.Skip((int)r.VarUInt()); return 0; } // type
            case 8: { var n = r.VarUInt(); for (ulong i = 0; i < n; i++) SkipAny(ref r, 0); return 0; } // any
            case 9: r.Skip((int)r.VarUInt()); SkipAny(ref r, 0); return 0; // doc
            default: throw new FormatException($"unknown content ref {contentRef}");
        }
    }

    private static void SkipAny(ref Reader r, int depth)
    {
        if (depth > 64) throw new FormatException("nesting too deep");
        switch (r.Byte())
        {
            case 127: case 126: case 121: case 120: return; // undefined, null, false, true
            case 125: r.VarInt(); return;
            case 124: r.Skip(4); return;
            case 123: case 122: r.Skip(8); return;
            case 119: case 116: r.Skip((int)r.VarUInt()); return; // string, bytes
            case 118: { var n = r.VarUInt(); for (ulong i = 0; i < n; i++) { r.Skip((int)r.VarUInt()); SkipAny(ref r, depth + 1); } return; }
            case 117: { var n = r.VarUInt(); for (ulong i = 0; i < n; i++) SkipAny(ref r, depth + 1); return; }
            default: throw new FormatException("unknown any tag");
        }
    }

    private static long Utf16Length(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return new UTF8Encoding(false, true).GetCharCount(utf8);
        }
        catch (DecoderFallbackException x)
        {
            throw new FormatException("string content is not UTF-8", x);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public byte Byte() => _pos < _data.Length ? _data[_pos++] : throw new FormatException("unexpected end of update");

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || _pos + n > _data.Length) throw new FormatException("length runs past the end of the update");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public void Skip(int n) => Bytes(n);

        public ulong VarUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new FormatException("varuint too long");
        }

        public void VarInt()
        {
            var b = Byte();
            while ((b & 0x80) != 0) b = Byte();
        }
    }
}
