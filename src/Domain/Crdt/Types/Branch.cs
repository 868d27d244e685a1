using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

/// <summary>
/// The data of one shared type: its list of items (array, text, XML children) and its map entries (map, XML
/// attributes, text attributes). <see cref="YText"/>, <see cref="YArray"/> and <see cref="YMap"/> are views over it.
/// </summary>
public sealed class Branch(TypeRef typeRef, string? name)
{
    public TypeRef TypeRef { get; internal set; } = typeRef;

    /// <summary>Node name of an XML element or hook.</summary>
    public string? Name { get; } = name;

    /// <summary>The item holding this type, or null for a root type.</summary>
    public Item? Item { get; private set; }

    /// <summary>Name of a root type.</summary>
    public string? RootName { get; internal init; }

    public Doc? Doc { get; private set; }

    public Item? Start { get; internal set; }

    /// <summary>For each key, the item holding its current value (the last of the key's chain).</summary>
    public Dictionary<string, Item>? Map { get; internal set; }

    /// <summary>Visible length of the list part (UTF-16 units for text).</summary>
    public int Length { get; internal set; }

    public bool HasFormatting { get; internal set; }

    // Search marker: an item of the list and its start index, remembered by the last local edit so the next
    // one near it does not walk from the start. Any other change clears it.
    internal Item? MarkerItem;
    internal int MarkerIndex;

    internal void ClearSearchMarker() => MarkerItem = null;

    internal void SetSearchMarker(Item? item, int index)
    {
        MarkerItem = item;
        MarkerIndex = index;
    }

    internal void Integrate(Doc doc, Item? item)
    {
        Doc = doc;
        Item = item;
    }

    internal static Branch Root(Doc doc, string name)
    {
        var b = new Branch(TypeRef.Undefined, null) { RootName = name };
        b.Integrate(doc, null);
        return b;
    }
}
