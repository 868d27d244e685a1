using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>A gap in a merged update: clocks the update does not carry. Never stored in a document.</summary>
public sealed class SkipStruct(Id id, int length) : AbstractStruct(id, length)
{
    public override bool Deleted => true;

    public override bool TryMergeWith(AbstractStruct right)
    {
        if (right is not SkipStruct) return false;
        Length += right.Length;
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        encoder.WriteInfo((byte)ContentRef.Skip);
        // The skip length always goes to the plain stream, in v1 and v2 alike.
        encoder.Rest.WriteVarUInt((ulong)(Length - offset));
    }

    public override void Integrate(Transaction transaction, int offset) =>
        throw new InvalidOperationException("skip structs are never integrated");
}
