using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A binary blob (Uint8Array) inserted into an array or map.</summary>
public sealed class ContentBinary(byte[] bytes) : IContent
{
    public byte[] Bytes => bytes;
    public ContentRef Ref => ContentRef.Binary;
    public int Length => 1;
    public bool IsCountable => true;
    public IContent Splice(int offset) => throw new InvalidOperationException("binary content has length 1 and cannot be split");
    public bool TryMerge(IContent right) => false;
    public void Write(IUpdateEncoder encoder, int offset) => encoder.WriteBuf(bytes);
    public void Integrate(Transaction transaction, Item item) { }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }
    internal static ContentBinary Read(IUpdateDecoder decoder) => new(decoder.ReadBuf());
}
