using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Reads the fields of an update; v1 and v2 differ only in how each field is laid out.</summary>
public interface IUpdateDecoder
{
    /// <summary>The plain lib0 stream (counts, clocks) that both formats share.</summary>
    Lib0Reader Rest { get; }

    void ResetDsCurVal();
    int ReadDsClock();
    int ReadDsLen();
    Id ReadLeftId();
    Id ReadRightId();
    uint ReadClient();
    byte ReadInfo();
    string ReadString();
    ContentString ReadStringContent();
    bool ReadParentInfo();
    uint ReadTypeRef();
    int ReadLen();
    AnyValue ReadAny();
    byte[] ReadBuf();
    JsonText ReadJson();
    string ReadKey();

    /// <summary>Rejects a count that the remaining input cannot possibly hold, before anything is allocated for it.</summary>
    void EnsureAtLeast(int count);
}
