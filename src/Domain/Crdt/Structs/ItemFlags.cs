namespace PeerCode.Domain.Crdt.Structs;

/// <summary>
/// The bits of a struct's info byte on the wire (the content kind is in the low five bits) and the state bits an
/// item keeps in memory, in one enum so the two can never overlap by accident.
/// </summary>
[Flags]
public enum ItemFlags : ushort
{
    None = 0,

    // Wire: the info byte of an encoded struct.
    ContentRefMask = 0x1F,
    HasParentSub = 0x20,
    HasRightOrigin = 0x40,
    HasOrigin = 0x80,

    // Memory: state of an integrated item.
    Keep = 0x100,
    Countable = 0x200,
    Deleted = 0x400,
}
