using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>What remains of deleted content after garbage collection: only its length.</summary>
public sealed class ContentDeleted(int length) : IContent
{
    public ContentRef Ref => ContentRef.Deleted;
    public int Length { get; private set; } = length;
    public bool IsCountable => false;

    public IContent Splice(int offset)
    {
        var right = new ContentDeleted(Length - offset);
        Length = offset;
        return right;
    }

    public bool TryMerge(IContent right)
    {
        Length += right.Length;
        return true;
    }

    public void Write(IUpdateEncoder encoder, int offset) => encoder.WriteLen(Length - offset);

    public void Integrate(Transaction transaction, Item item)
    {
        transaction.DeleteSet.Add(item.Id.Client, item.Id.Clock, Length);
        item.MarkDeleted();
    }

    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentDeleted Read(IUpdateDecoder decoder) => new(decoder.ReadLen());
}
