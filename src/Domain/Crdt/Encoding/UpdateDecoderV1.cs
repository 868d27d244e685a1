using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Format v1: every field in one lib0 stream, in order.</summary>
public sealed class UpdateDecoderV1 : IUpdateDecoder
{
    private readonly CharChunk _chars;

    public UpdateDecoderV1(byte[] update) : this(new Lib0Reader(update)) { }

    public UpdateDecoderV1(Lib0Reader reader)
    {
        Rest = reader;
        // UTF-8 never takes fewer bytes than UTF-16 code units, so all text of the update fits.
        _chars = new CharChunk(Math.Max(16, reader.Remaining));
    }

    public Lib0Reader Rest { get; }

    public void ResetDsCurVal() { }
    public int ReadDsClock() => Rest.ReadVarIndex();
    public int ReadDsLen() => Rest.ReadVarIndex();
    public Id ReadLeftId() => new(Rest.ReadVarUInt32(), Rest.ReadVarIndex());
    public Id ReadRightId() => new(Rest.ReadVarUInt32(), Rest.ReadVarIndex());
    public uint ReadClient() => Rest.ReadVarUInt32();
    public byte ReadInfo() => Rest.ReadByte();
    public string ReadString() => Rest.ReadVarString();

    public ContentString ReadStringContent()
    {
        var start = _chars.Used;
        var n = Rest.ReadVarStringInto(_chars);
        return new ContentString(_chars, start, n);
    }

    public bool ReadParentInfo() => Rest.ReadVarUInt() == 1;
    public uint ReadTypeRef() => Rest.ReadVarUInt32();
    public int ReadLen() => Rest.ReadVarIndex();
    public AnyValue ReadAny() => Rest.ReadAny();
    public byte[] ReadBuf() => Rest.ReadVarBytes().ToArray();
    public JsonText ReadJson() => JsonText.FromJson(Rest.ReadVarString());
    public string ReadKey() => Rest.ReadVarString();

    public void EnsureAtLeast(int count)
    {
        if (count > Rest.Remaining) throw new CrdtFormatException($"count {count} runs past the end of the input");
    }
}
