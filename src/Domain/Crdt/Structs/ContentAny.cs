using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>Array and map values: a run of lib0 "any" values.</summary>
public sealed class ContentAny(List<AnyValue> values) : IContent
{
    public IReadOnlyList<AnyValue> Values => values;
    public ContentRef Ref => ContentRef.Any;
    public int Length => values.Count;
    public bool IsCountable => true;

    public IContent Splice(int offset)
    {
        var right = new ContentAny(values.GetRange(offset, values.Count - offset));
        values.RemoveRange(offset, values.Count - offset);
        return right;
    }

    public bool TryMerge(IContent right)
    {
        values.AddRange(((ContentAny)right).Values);
        return true;
    }

    public void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteLen(values.Count - offset);
        for (var i = offset; i < values.Count; i++) encoder.WriteAny(values[i]);
    }

    public void Integrate(Transaction transaction, Item item) { }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentAny Read(IUpdateDecoder decoder)
    {
        var len = decoder.ReadLen();
        decoder.EnsureAtLeast(len);
        var list = new List<AnyValue>(len);
        for (var i = 0; i < len; i++) list.Add(decoder.ReadAny());
        return new ContentAny(list);
    }
}
