using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Format v2: each kind of field in its own run-length-encoded column, then the plain stream.</summary>
public sealed class UpdateEncoderV2 : IUpdateEncoder
{
    private readonly IntDiffOptRleEncoder _keyClock = new();
    private readonly UintOptRleEncoder _client = new();
    private readonly IntDiffOptRleEncoder _leftClock = new();
    private readonly IntDiffOptRleEncoder _rightClock = new();
    private readonly ByteRleEncoder _info = new();
    private readonly StringColumnEncoder _strings = new();
    private readonly ByteRleEncoder _parentInfo = new();
    private readonly UintOptRleEncoder _typeRef = new();
    private readonly UintOptRleEncoder _len = new();
    private long _keyClockValue;
    private int _dsCurrVal;

    public Lib0Writer Rest { get; } = new();

    public byte[] ToArray()
    {
        var w = new Lib0Writer(Rest.Length + 64);
        w.WriteVarUInt(0); // feature flag, unused
        w.WriteVarBytes(_keyClock.ToArray());
        w.WriteVarBytes(_client.ToArray());
        w.WriteVarBytes(_leftClock.ToArray());
        w.WriteVarBytes(_rightClock.ToArray());
        w.WriteVarBytes(_info.ToArray());
        w.WriteVarBytes(_strings.ToArray());
        w.WriteVarBytes(_parentInfo.ToArray());
        w.WriteVarBytes(_typeRef.ToArray());
        w.WriteVarBytes(_len.ToArray());
        w.WriteBytes(Rest.WrittenSpan);
        return w.ToArray();
    }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public void WriteDsClock(int clock)
    {
        Rest.WriteVarUInt((ulong)(clock - _dsCurrVal));
        _dsCurrVal = clock;
    }

    public void WriteDsLen(int len)
    {
        if (len <= 0) throw new InvalidOperationException("deleted ranges are never empty");
        Rest.WriteVarUInt((ulong)(len - 1));
        _dsCurrVal += len;
    }

    public void WriteLeftId(Id id)
    {
        _client.Write(id.Client);
        _leftClock.Write(id.Clock);
    }

    public void WriteRightId(Id id)
    {
        _client.Write(id.Client);
        _rightClock.Write(id.Clock);
    }

    public void WriteClient(uint client) => _client.Write(client);
    public void WriteInfo(byte info) => _info.Write(info);
    public void WriteString(ReadOnlySpan<char> s) => _strings.Write(s);
    public void WriteParentInfo(bool isYKey) => _parentInfo.Write(isYKey ? (byte)1 : (byte)0);
    public void WriteTypeRef(uint typeRef) => _typeRef.Write(typeRef);
    public void WriteLen(int len) => _len.Write((ulong)len);
    public void WriteAny(AnyValue value) => Rest.WriteAny(value);
    public void WriteBuf(ReadOnlySpan<byte> bytes) => Rest.WriteVarBytes(bytes);
    public void WriteJson(JsonText value) => Rest.WriteAny(value.Value);

    // yjs writes every key anew (its key cache is disabled), with a running key clock.
    public void WriteKey(string key)
    {
        _keyClock.Write(_keyClockValue++);
        _strings.Write(key);
    }
}
