using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Format v1: every field in one lib0 stream, in order.</summary>
public sealed class UpdateEncoderV1 : IUpdateEncoder
{
    public Lib0Writer Rest { get; } = new(64);
    public byte[] ToArray() => Rest.ToArray();

    public void ResetDsCurVal() { }
    public void WriteDsClock(int clock) => Rest.WriteVarUInt((ulong)clock);
    public void WriteDsLen(int len) => Rest.WriteVarUInt((ulong)len);

    public void WriteLeftId(Id id)
    {
        Rest.WriteVarUInt(id.Client);
        Rest.WriteVarUInt((ulong)id.Clock);
    }

    public void WriteRightId(Id id)
    {
        Rest.WriteVarUInt(id.Client);
        Rest.WriteVarUInt((ulong)id.Clock);
    }

    public void WriteClient(uint client) => Rest.WriteVarUInt(client);
    public void WriteInfo(byte info) => Rest.WriteByte(info);
    public void WriteString(ReadOnlySpan<char> s) => Rest.WriteVarString(s);
    public void WriteParentInfo(bool isYKey) => Rest.WriteVarUInt(isYKey ? 1UL : 0UL);
    public void WriteTypeRef(uint typeRef) => Rest.WriteVarUInt(typeRef);
    public void WriteLen(int len) => Rest.WriteVarUInt((ulong)len);
    public void WriteAny(AnyValue value) => Rest.WriteAny(value);
    public void WriteBuf(ReadOnlySpan<byte> bytes) => Rest.WriteVarBytes(bytes);
    public void WriteJson(JsonText value) => Rest.WriteVarString(value.Json);
    public void WriteKey(string key) => Rest.WriteVarString(key);
}
