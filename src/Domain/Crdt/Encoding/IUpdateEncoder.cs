using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Writes the fields of an update; v1 and v2 differ only in how each field is laid out.</summary>
public interface IUpdateEncoder
{
    Lib0Writer Rest { get; }
    byte[] ToArray();

    void ResetDsCurVal();
    void WriteDsClock(int clock);
    void WriteDsLen(int len);
    void WriteLeftId(Id id);
    void WriteRightId(Id id);
    void WriteClient(uint client);
    void WriteInfo(byte info);
    void WriteString(ReadOnlySpan<char> s);
    void WriteParentInfo(bool isYKey);
    void WriteTypeRef(uint typeRef);
    void WriteLen(int len);
    void WriteAny(AnyValue value);
    void WriteBuf(ReadOnlySpan<byte> bytes);
    void WriteJson(JsonText value);
    void WriteKey(string key);
}
