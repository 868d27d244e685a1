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

    /// <summary>Deleting a type deletes everything in it; queued, so deep nesting cannot exhaust the stack.</summary>
    public void Delete(Transaction transaction) => transaction.QueueTypeDelete(type);

    /// <summary>Collects everything inside the type (iteratively: nesting depth is up to the input).</summary>
    public void Gc(StructStore store)
    {
        var stack = new Stack<Branch>();
        stack.Push(type);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            for (var item = t.Start; item != null; item = item.Right) Collect(store, item, stack);
            t.Start = null;
            if (t.Map is null) continue;
            foreach (var last in t.Map.Values)
                for (var item = last; item != null; item = item.Left) Collect(store, item, stack);
            t.Map = null;
        }
    }

    private static void Collect(StructStore store, Item item, Stack<Branch> nested)
    {
        if (!item.Deleted) throw new InvalidOperationException("only deleted items can be garbage collected");
        if (item.Content is ContentType ct) nested.Push(ct.Type);
        store.Replace(item, new GcStruct(item.Id, item.Length));
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
