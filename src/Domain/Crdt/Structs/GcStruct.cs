using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>Garbage-collected content: the clocks stay taken, nothing else is kept.</summary>
public sealed class GcStruct(Id id, int length) : AbstractStruct(id, length)
{
    public override bool Deleted => true;

    public override bool TryMergeWith(AbstractStruct right)
    {
        if (right is not GcStruct) return false;
        Length += right.Length;
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteInfo((byte)ContentRef.Gc);
        encoder.WriteLen(Length - offset);
    }

    public override void Integrate(Transaction transaction, int offset)
    {
        if (offset > 0)
        {
            Id = new Id(Id.Client, Id.Clock + offset);
            Length -= offset;
        }
        transaction.AddStruct(this);
    }
}
