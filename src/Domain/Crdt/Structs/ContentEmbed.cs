using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>An embedded JSON object in text (an image, a mention...): one position long.</summary>
public sealed class ContentEmbed(JsonText embed) : IContent
{
    public JsonText Embed => embed;
    public ContentRef Ref => ContentRef.Embed;
    public int Length => 1;
    public bool IsCountable => true;
    public IContent Splice(int offset) => throw new InvalidOperationException("an embed has length 1 and cannot be split");
    public bool TryMerge(IContent right) => false;
    public void Write(IUpdateEncoder encoder, int offset) => encoder.WriteJson(embed);
    public void Integrate(Transaction transaction, Item item) { }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }
    internal static ContentEmbed Read(IUpdateDecoder decoder) => new(decoder.ReadJson());
}
