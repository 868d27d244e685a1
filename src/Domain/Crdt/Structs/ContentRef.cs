namespace PeerCode.Domain.Crdt.Structs;

/// <summary>The wire tag of each struct and content kind (the low five bits of the info byte).</summary>
public enum ContentRef : byte
{
    Gc = 0,
    Deleted = 1,
    Json = 2,
    Binary = 3,
    String = 4,
    Embed = 5,
    Format = 6,
    Type = 7,
    Any = 8,
    Doc = 9,
    Skip = 10,
}
