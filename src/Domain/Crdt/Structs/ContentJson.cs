using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>Legacy JSON array content: one JSON text per element ("undefined" for undefined), kept verbatim.</summary>
public sealed class ContentJson(List<string> values) : IContent
{
    public IReadOnlyList<string> Values => values;
    public ContentRef Ref => ContentRef.Json;
    public int Length => values.Count;
    public bool IsCountable => true;

    public IContent Splice(int offset)
    {
        var right = new ContentJson(values.GetRange(offset, values.Count - offset));
        values.RemoveRange(offset, values.Count - offset);
        return right;
    }

    public bool TryMerge(IContent right)
    {
        values.AddRange(((ContentJson)right).Values);
        return true;
    }

    public void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteLen(values.Count - offset);
        for (var i = offset; i < values.Count; i++) encoder.WriteString(values[i]);
    }

    public void Integrate(Transaction transaction, Item item) { }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentJson Read(IUpdateDecoder decoder)
    {
        var len = decoder.ReadLen();
        decoder.EnsureAtLeast(len);
        var list = new List<string>(len);
        for (var i = 0; i < len; i++)
        {
            var s = decoder.ReadString();
            if (s != "undefined") AnyValue.FromJson(s);
            list.Add(s);
        }
        return new ContentJson(list);
    }
}
