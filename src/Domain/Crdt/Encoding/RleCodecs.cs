namespace PeerCode.Domain.Crdt.Encoding;

// The run-length column codecs of lib0 that format v2 is built from.

/// <summary>Bytes with run lengths: value, then (count - 1) when more follows; the last run is open-ended.</summary>
internal sealed class ByteRleEncoder
{
    private readonly Lib0Writer _w = new();
    private int _last = -1;
    private ulong _count;

    public void Write(byte v)
    {
        if (_last == v)
        {
            _count++;
            return;
        }
        if (_count > 0) _w.WriteVarUInt(_count - 1);
        _count = 1;
        _w.WriteByte(v);
        _last = v;
    }

    public byte[] ToArray() => _w.ToArray();
}

internal sealed class ByteRleDecoder(Lib0Reader r)
{
    private byte _value;
    private long _count; // -1: repeat forever

    public byte Read()
    {
        if (_count == 0)
        {
            _value = r.ReadByte();
            _count = r.HasContent ? (long)r.ReadVarUInt() + 1 : -1;
        }
        _count--;
        return _value;
    }
}

/// <summary>Unsigned values; a run is written as the negated value followed by (count - 2).</summary>
internal sealed class UintOptRleEncoder
{
    private readonly Lib0Writer _w = new();
    private ulong _s;
    private ulong _count;

    public void Write(ulong v)
    {
        if (_count > 0 && _s == v)
        {
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _s = v;
    }

    private void Flush()
    {
        if (_count == 0) return;
        _w.WriteVarInt(_s, negative: _count > 1);
        if (_count > 1) _w.WriteVarUInt(_count - 2);
    }

    public byte[] ToArray()
    {
        Flush();
        _count = 0;
        return _w.ToArray();
    }
}

internal sealed class UintOptRleDecoder(Lib0Reader r)
{
    private ulong _s;
    private ulong _count;

    public Lib0Reader Reader => r;

    public ulong Read()
    {
        if (_count == 0)
        {
            var v = r.ReadVarInt(out var negative);
            _s = (ulong)v;
            _count = 1;
            if (negative)
            {
                _s = (ulong)(-v);
                _count = r.ReadVarUInt() + 2;
            }
        }
        _count--;
        return _s;
    }
}

/// <summary>Integers as runs of equal differences: (diff * 2 + hasCount), then (count - 2) when hasCount.</summary>
internal sealed class IntDiffOptRleEncoder
{
    private readonly Lib0Writer _w = new();
    private long _s;
    private long _diff;
    private ulong _count;

    public void Write(long v)
    {
        if (_count > 0 && _diff == v - _s)
        {
            _s = v;
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _diff = v - _s;
        _s = v;
    }

    private void Flush()
    {
        if (_count == 0) return;
        _w.WriteVarInt(_diff * 2 + (_count == 1 ? 0 : 1));
        if (_count > 1) _w.WriteVarUInt(_count - 2);
    }

    public byte[] ToArray()
    {
        Flush();
        _count = 0;
        return _w.ToArray();
    }
}

internal sealed class IntDiffOptRleDecoder(Lib0Reader r)
{
    private long _s;
    private long _diff;
    private ulong _count;

    public long Read()
    {
        if (_count == 0)
        {
            var encoded = r.ReadVarInt();
            _diff = encoded >> 1;
            _count = (encoded & 1) != 0 ? r.ReadVarUInt() + 2 : 1;
        }
        _s += _diff;
        _count--;
        return _s;
    }
}

/// <summary>All strings concatenated into one UTF-8 string, followed by their UTF-16 lengths (UintOptRle).</summary>
internal sealed class StringColumnEncoder
{
    private readonly System.Text.StringBuilder _sb = new();
    private readonly UintOptRleEncoder _lengths = new();

    public void Write(ReadOnlySpan<char> s)
    {
        _sb.Append(s);
        _lengths.Write((ulong)s.Length);
    }

    public byte[] ToArray()
    {
        var w = new Lib0Writer();
        w.WriteVarString(_sb.ToString());
        w.WriteBytes(_lengths.ToArray());
        return w.ToArray();
    }
}
