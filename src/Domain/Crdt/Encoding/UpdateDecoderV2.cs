using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>Format v2: each kind of field in its own run-length-encoded column, then the plain stream.</summary>
public sealed class UpdateDecoderV2 : IUpdateDecoder
{
    private readonly IntDiffOptRleDecoder _keyClock;
    private readonly UintOptRleDecoder _client;
    private readonly IntDiffOptRleDecoder _leftClock;
    private readonly IntDiffOptRleDecoder _rightClock;
    private readonly ByteRleDecoder _info;
    private readonly CharChunk _chars;
    private readonly UintOptRleDecoder _stringLengths;
    private readonly ByteRleDecoder _parentInfo;
    private readonly UintOptRleDecoder _typeRef;
    private readonly UintOptRleDecoder _len;
    private readonly List<string> _keys = [];
    private int _stringPos;
    private long _dsCurrVal;

    public UpdateDecoderV2(byte[] update)
    {
        var r = new Lib0Reader(update);
        r.ReadVarUInt(); // feature flag, unused
        _keyClock = new IntDiffOptRleDecoder(Column(r));
        _client = new UintOptRleDecoder(Column(r));
        _leftClock = new IntDiffOptRleDecoder(Column(r));
        _rightClock = new IntDiffOptRleDecoder(Column(r));
        _info = new ByteRleDecoder(Column(r));
        var strings = Column(r);
        _chars = new CharChunk(Math.Max(16, strings.Remaining));
        strings.ReadVarStringInto(_chars);
        _stringLengths = new UintOptRleDecoder(strings);
        _parentInfo = new ByteRleDecoder(Column(r));
        _typeRef = new UintOptRleDecoder(Column(r));
        _len = new UintOptRleDecoder(Column(r));
        Rest = r;
    }

    private static Lib0Reader Column(Lib0Reader r) => r.ReadVarSubReader();

    public Lib0Reader Rest { get; }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public int ReadDsClock()
    {
        _dsCurrVal += (long)Rest.ReadVarUInt();
        return _dsCurrVal <= int.MaxValue ? (int)_dsCurrVal : throw OutOfRange();
    }

    public int ReadDsLen()
    {
        var len = (long)Rest.ReadVarUInt() + 1;
        _dsCurrVal += len;
        return len <= int.MaxValue ? (int)len : throw OutOfRange();
    }

    public Id ReadLeftId() => new(Client(_client.Read()), Clock(_leftClock.Read()));
    public Id ReadRightId() => new(Client(_client.Read()), Clock(_rightClock.Read()));
    public uint ReadClient() => Client(_client.Read());
    public byte ReadInfo() => _info.Read();

    public string ReadString()
    {
        var (start, len) = NextString();
        return new string(_chars.Data, start, len);
    }

    public ContentString ReadStringContent()
    {
        var (start, len) = NextString();
        return new ContentString(_chars, start, len);
    }

    private (int Start, int Length) NextString()
    {
        var len = _stringLengths.Read();
        if (len > (ulong)(_chars.Used - _stringPos)) throw new CrdtFormatException("string runs past the end of the string column");
        var start = _stringPos;
        _stringPos += (int)len;
        return (start, (int)len);
    }

    public bool ReadParentInfo() => _parentInfo.Read() == 1;
    public uint ReadTypeRef() => _typeRef.Read() is var v && v <= uint.MaxValue ? (uint)v : throw OutOfRange();
    public int ReadLen() => _len.Read() is var v && v <= int.MaxValue ? (int)v : throw OutOfRange();
    public AnyValue ReadAny() => Rest.ReadAny();
    public byte[] ReadBuf() => Rest.ReadVarBytes().ToArray();
    public JsonText ReadJson() => JsonText.FromValue(Rest.ReadAny());

    public string ReadKey()
    {
        var keyClock = _keyClock.Read();
        if (keyClock >= 0 && keyClock < _keys.Count) return _keys[(int)keyClock];
        var key = ReadString();
        _keys.Add(key);
        return key;
    }

    public void EnsureAtLeast(int count)
    {
        if (count > Rest.Remaining + (_chars.Used - _stringPos))
            throw new CrdtFormatException($"count {count} runs past the end of the input");
    }

    private static uint Client(ulong v) => v <= uint.MaxValue ? (uint)v : throw new CrdtFormatException($"client id {v} does not fit 32 bits");

    private static int Clock(long v) => v is >= 0 and <= int.MaxValue ? (int)v : throw new CrdtFormatException($"clock {v} is out of the supported range");

    private static CrdtFormatException OutOfRange() => new("value out of the supported range");
}
