using System.Buffers.Binary;
using System.Text;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>
/// Reads the lib0 binary encoding (variable-length integers, length-prefixed strings and buffers, "any" values).
/// Every read is bounds-checked and throws <see cref="CrdtFormatException"/>; nothing is allocated beyond what
/// the remaining input can actually hold.
/// </summary>
public sealed class Lib0Reader
{
    /// <summary>Nesting limit for "any" values: deeper input is rejected instead of exhausting the stack.</summary>
    public const int MaxAnyDepth = 64;

    /// <summary>Largest integer lib0 produces (JavaScript's Number.MAX_SAFE_INTEGER).</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _pos;

    public Lib0Reader(byte[] buffer) : this(buffer, 0, buffer.Length) { }

    public Lib0Reader(byte[] buffer, int offset, int count)
    {
        _buffer = buffer;
        _pos = offset;
        _end = offset + count;
    }

    public int Position => _pos;
    public int Remaining => _end - _pos;
    public bool HasContent => _pos < _end;

    public byte ReadByte()
    {
        if (_pos >= _end) throw Truncated();
        return _buffer[_pos++];
    }

    public ulong ReadVarUInt()
    {
        ulong num = 0;
        var shift = 0;
        while (_pos < _end)
        {
            var r = _buffer[_pos++];
            num |= (ulong)(r & 0x7F) << shift;
            if (r < 0x80)
                return num <= MaxSafeInteger ? num : throw new CrdtFormatException("variable-length integer is larger than 2^53");
            shift += 7;
            if (shift >= 56) throw new CrdtFormatException("variable-length integer is larger than 2^53");
        }
        throw Truncated();
    }

    public uint ReadVarUInt32()
    {
        var v = ReadVarUInt();
        return v <= uint.MaxValue ? (uint)v : throw new CrdtFormatException($"value {v} does not fit 32 bits");
    }

    /// <summary>A count, clock or length: a non-negative int.</summary>
    public int ReadVarIndex()
    {
        var v = ReadVarUInt();
        return v <= int.MaxValue ? (int)v : throw new CrdtFormatException($"value {v} is out of the supported range");
    }

    public long ReadVarInt() => ReadVarInt(out _);

    /// <summary>Reads a signed varint; <paramref name="negative"/> is the sign bit, so -0 is told apart from 0.</summary>
    public long ReadVarInt(out bool negative)
    {
        var r = ReadByte();
        long num = r & 0x3F;
        negative = (r & 0x40) != 0;
        var shift = 6;
        while ((r & 0x80) != 0)
        {
            if (shift > 48) throw new CrdtFormatException("variable-length integer is larger than 2^53");
            r = ReadByte();
            num |= (long)(r & 0x7F) << shift;
            shift += 7;
        }
        if ((ulong)num > MaxSafeInteger) throw new CrdtFormatException("variable-length integer is larger than 2^53");
        return negative ? -num : num;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining) throw Truncated();
        var span = new ReadOnlySpan<byte>(_buffer, _pos, count);
        _pos += count;
        return span;
    }

    public ReadOnlySpan<byte> ReadVarBytes()
    {
        var len = ReadVarUInt();
        if (len > (ulong)Remaining) throw new CrdtFormatException($"length {len} runs past the end of the input");
        return ReadBytes((int)len);
    }

    /// <summary>A reader over the next length-prefixed byte array, without copying it.</summary>
    public Lib0Reader ReadVarSubReader()
    {
        var len = ReadVarUInt();
        if (len > (ulong)Remaining) throw new CrdtFormatException($"length {len} runs past the end of the input");
        var sub = new Lib0Reader(_buffer, _pos, (int)len);
        _pos += (int)len;
        return sub;
    }

    public string ReadVarString() => DecodeUtf8(ReadVarBytes());

    /// <summary>Decodes a length-prefixed UTF-8 string straight into <paramref name="target"/>; returns the UTF-16 length.</summary>
    public int ReadVarStringInto(CharChunk target)
    {
        var bytes = ReadVarBytes();
        var start = target.Reserve(bytes.Length);
        try
        {
            var n = StrictUtf8.GetChars(bytes, target.Data.AsSpan(start, bytes.Length));
            target.Commit(start, n);
            return n;
        }
        catch (DecoderFallbackException e)
        {
            throw new CrdtFormatException($"string is not valid UTF-8: {e.Message}");
        }
    }

    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CrdtFormatException($"string is not valid UTF-8: {e.Message}");
        }
    }

    public float ReadFloat32() => BinaryPrimitives.ReadSingleBigEndian(ReadBytes(4));
    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8));
    public long ReadBigInt64() => BinaryPrimitives.ReadInt64BigEndian(ReadBytes(8));

    public AnyValue ReadAny() => ReadAny(0);

    private AnyValue ReadAny(int depth)
    {
        if (depth > MaxAnyDepth) throw new CrdtFormatException($"value nested deeper than {MaxAnyDepth} levels");
        var tag = ReadByte();
        switch (tag)
        {
            case 127: return AnyValue.Undefined;
            case 126: return AnyValue.Null;
            case 125: return AnyValue.Integer(ReadVarInt());
            case 124: return AnyValue.Float32(ReadFloat32());
            case 123: return AnyValue.Float64(ReadFloat64());
            case 122: return AnyValue.BigInt(ReadBigInt64());
            case 121: return AnyValue.False;
            case 120: return AnyValue.True;
            case 119: return AnyValue.String(ReadVarString());
            case 118:
            {
                var count = ReadVarUInt();
                // Each entry takes at least two bytes: never trust the count for allocation.
                if (count > (ulong)Remaining / 2) throw new CrdtFormatException($"object with {count} entries runs past the end of the input");
                var entries = new List<KeyValuePair<string, AnyValue>>((int)count);
                for (var i = 0UL; i < count; i++)
                {
                    var key = ReadVarString();
                    entries.Add(new(key, ReadAny(depth + 1)));
                }
                return AnyValue.Object(entries);
            }
            case 117:
            {
                var count = ReadVarUInt();
                if (count > (ulong)Remaining) throw new CrdtFormatException($"array with {count} elements runs past the end of the input");
                var items = new List<AnyValue>((int)count);
                for (var i = 0UL; i < count; i++) items.Add(ReadAny(depth + 1));
                return AnyValue.Array(items);
            }
            case 116: return AnyValue.Bytes(ReadVarBytes().ToArray());
            default: throw new CrdtFormatException($"unknown value type tag {tag}");
        }
    }

    private static CrdtFormatException Truncated() => new("unexpected end of input");
}
