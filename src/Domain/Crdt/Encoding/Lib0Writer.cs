using System.Buffers.Binary;
using System.Text;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Writes the lib0 binary encoding into a growable buffer.</summary>
public sealed class Lib0Writer
{
    // Lone surrogates become U+FFFD, as the browser's TextEncoder does.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private byte[] _buffer;
    private int _length;

    public Lib0Writer(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }

    public void WriteByte(byte b)
    {
        if (_length == _buffer.Length) Ensure(1);
        _buffer[_length++] = b;
    }

    public void WriteVarUInt(ulong num)
    {
        Ensure(10);
        while (num > 0x7F)
        {
            _buffer[_length++] = (byte)(0x80 | (num & 0x7F));
            num >>= 7;
        }
        _buffer[_length++] = (byte)num;
    }

    public void WriteVarInt(long num) => WriteVarInt(num < 0 ? (ulong)(-num) : (ulong)num, num < 0);

    /// <summary>Writes magnitude and sign separately, so -0 can be written (lib0's RLE encoders use it as a flag).</summary>
    public void WriteVarInt(ulong abs, bool negative)
    {
        Ensure(10);
        _buffer[_length++] = (byte)((abs > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) | (int)(abs & 0x3F));
        abs >>= 6;
        while (abs > 0)
        {
            _buffer[_length++] = (byte)((abs > 0x7F ? 0x80 : 0) | (int)(abs & 0x7F));
            abs >>= 7;
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteVarBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteVarString(ReadOnlySpan<char> s)
    {
        var byteCount = Utf8.GetByteCount(s);
        WriteVarUInt((ulong)byteCount);
        Ensure(byteCount);
        _length += Utf8.GetBytes(s, _buffer.AsSpan(_length));
    }

    public void WriteFloat32(float v)
    {
        Ensure(4);
        BinaryPrimitives.WriteSingleBigEndian(_buffer.AsSpan(_length), v);
        _length += 4;
    }

    public void WriteFloat64(double v)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_length), v);
        _length += 8;
    }

    public void WriteBigInt64(long v)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), v);
        _length += 8;
    }

    public void WriteAny(AnyValue value)
    {
        switch (value.Kind)
        {
            case AnyKind.Undefined: WriteByte(127); break;
            case AnyKind.Null: WriteByte(126); break;
            case AnyKind.Integer: WriteByte(125); WriteVarInt(value.IntegerValue); break;
            case AnyKind.Float32: WriteByte(124); WriteFloat32((float)value.NumberValue); break;
            case AnyKind.Float64: WriteByte(123); WriteFloat64(value.NumberValue); break;
            case AnyKind.BigInt: WriteByte(122); WriteBigInt64(value.IntegerValue); break;
            case AnyKind.Boolean: WriteByte(value.BooleanValue ? (byte)120 : (byte)121); break;
            case AnyKind.String: WriteByte(119); WriteVarString(value.StringValue); break;
            case AnyKind.Object:
                WriteByte(118);
                WriteVarUInt((ulong)value.Entries.Count);
                foreach (var (k, v) in value.Entries)
                {
                    WriteVarString(k);
                    WriteAny(v);
                }
                break;
            case AnyKind.Array:
                WriteByte(117);
                WriteVarUInt((ulong)value.Items.Count);
                foreach (var v in value.Items) WriteAny(v);
                break;
            case AnyKind.Bytes: WriteByte(116); WriteVarBytes(value.BytesValue); break;
            default: throw new InvalidOperationException($"unknown value kind {value.Kind}");
        }
    }
}
