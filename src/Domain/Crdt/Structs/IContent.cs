using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>The content an item carries. One implementation per wire content kind.</summary>
public interface IContent
{
    ContentRef Ref { get; }

    /// <summary>Length in clock units (UTF-16 code units for strings).</summary>
    int Length { get; }

    /// <summary>Whether the content counts towards its parent's length (formatting marks do not).</summary>
    bool IsCountable { get; }

    /// <summary>Keeps the first <paramref name="offset"/> units and returns the rest as new content.</summary>
    IContent Splice(int offset);

    /// <summary>Appends <paramref name="right"/> (same kind) when this kind can merge; false otherwise.</summary>
    bool TryMerge(IContent right);

    void Write(IUpdateEncoder encoder, int offset);

    void Integrate(Transaction transaction, Item item);

    void Delete(Transaction transaction);

    void Gc(StructStore store);
}
