namespace PeerCode.Domain.Crdt.Types;

/// <summary>The wire tag of each shared type kind.</summary>
public enum TypeRef : byte
{
    Array = 0,
    Map = 1,
    Text = 2,
    XmlElement = 3,
    XmlFragment = 4,
    XmlHook = 5,
    XmlText = 6,

    /// <summary>A root type that no one has asked for as a specific kind yet (roots carry no tag on the wire).</summary>
    Undefined = 255,
}
