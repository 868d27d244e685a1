using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A sub-document reference (guid and options). The server keeps it and re-encodes it; it does not load it.</summary>
public sealed class ContentDoc(string guid, AnyValue options) : IContent
{
    public string Guid => guid;
    public AnyValue Options => options;
    public ContentRef Ref => ContentRef.Doc;
    public int Length => 1;
    public bool IsCountable => true;
    public IContent Splice(int offset) => throw new InvalidOperationException("a sub-document has length 1 and cannot be split");
    public bool TryMerge(IContent right) => false;

    public void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteString(guid);
        encoder.WriteAny(options);
    }

    public void Integrate(Transaction transaction, Item item) { }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentDoc Read(IUpdateDecoder decoder)
    {
        var guid = decoder.ReadString();
        return new ContentDoc(guid, decoder.ReadAny());
    }
}
