using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A run of consecutive clocks of one client: an <see cref="Item"/>, a <see cref="GcStruct"/> or a <see cref="SkipStruct"/>.</summary>
public abstract class AbstractStruct(Id id, int length)
{
    public Id Id = id;
    public int Length = length;

    public abstract bool Deleted { get; }

    public int EndClock => Id.Clock + Length;

    /// <summary>Appends the adjacent <paramref name="right"/> struct of the same kind when the two can merge.</summary>
    public abstract bool TryMergeWith(AbstractStruct right);

    public abstract void Write(IUpdateEncoder encoder, int offset);

    /// <summary>Integrates into the document, skipping the first <paramref name="offset"/> clocks already present.</summary>
    public abstract void Integrate(Transaction transaction, int offset);
}
