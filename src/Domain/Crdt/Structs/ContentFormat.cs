using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A formatting mark in text: from here on, attribute <see cref="Key"/> has <see cref="Value"/> (null ends it).</summary>
public sealed class ContentFormat(string key, JsonText value) : IContent
{
    public string Key => key;
    public JsonText Value => value;
    public ContentRef Ref => ContentRef.Format;
    public int Length => 1;
    public bool IsCountable => false;
    public IContent Splice(int offset) => throw new InvalidOperationException("a format mark has length 1 and cannot be split");
    public bool TryMerge(IContent right) => false;

    public void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteKey(key);
        encoder.WriteJson(value);
    }

    public void Integrate(Transaction transaction, Item item)
    {
        var parent = item.Parent!;
        parent.ClearSearchMarker();
        parent.HasFormatting = true;
    }

    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentFormat Read(IUpdateDecoder decoder)
    {
        var key = decoder.ReadKey();
        return new ContentFormat(key, decoder.ReadJson());
    }
}
