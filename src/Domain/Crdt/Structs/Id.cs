namespace PeerCode.Domain.Crdt.Structs;

/// <summary>Identifies one unit of content: the client that created it and that client's running clock.</summary>
public readonly record struct Id(uint Client, int Clock)
{
    public override string ToString() => $"{Client}:{Clock}";
}
