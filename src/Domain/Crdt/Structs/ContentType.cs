using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A nested shared type (array, map, text, XML element...).</summary>
public sealed class ContentType(Branch type) : IContent
{
    public Branch Type => type;
    public ContentRef Ref => ContentRef.Type;
    public int Length => 1;
    public bool IsCountable => true;
    public IContent Splice(int offset) => throw new InvalidOperationException("a nested type has length 1 and cannot be split");
    public bool TryMerge(IContent right) => false;

    public void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteTypeRef((uint)type.TypeRef);
        if (type.TypeRef is TypeRef.XmlElement or TypeRef.XmlHook) encoder.WriteKey(type.Name!);
    }

    public void Integrate(Transaction transaction, Item item) => type.Integrate(transaction.Doc, item);

    public void Delete(Transaction transaction)
    {
        for (var item = type.Start; item != null; item = item.Right)
        {
            if (!item.Deleted) item.Delete(transaction);
            else if (item.Id.Clock < transaction.BeforeState(item.Id.Client)) transaction.MergeStructs.Add(item);
        }
        if (type.Map is null) return;
        foreach (var item in type.Map.Values)
        {
            if (!item.Deleted) item.Delete(transaction);
            else if (item.Id.Clock < transaction.BeforeState(item.Id.Client)) transaction.MergeStructs.Add(item);
        }
    }

    public void Gc(StructStore store)
    {
        for (var item = type.Start; item != null; item = item.Right) item.Gc(store, parentGcd: true);
        type.Start = null;
        if (type.Map is null) return;
        foreach (var last in type.Map.Values)
        {
            for (var item = last; item != null; item = item.Left) item.Gc(store, parentGcd: true);
        }
        type.Map = null;
    }

    internal static ContentType Read(IUpdateDecoder decoder)
    {
        var typeRef = decoder.ReadTypeRef();
        return typeRef switch
        {
            (uint)TypeRef.XmlElement or (uint)TypeRef.XmlHook => new ContentType(new Branch((TypeRef)typeRef, decoder.ReadKey())),
            <= (uint)TypeRef.XmlText => new ContentType(new Branch((TypeRef)typeRef, null)),
            _ => throw new CrdtFormatException($"unknown shared type reference {typeRef}"),
        };
    }
}
