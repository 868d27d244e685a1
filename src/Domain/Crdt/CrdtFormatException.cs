namespace PeerCode.Domain.Crdt;

/// <summary>
/// An update, state vector or protocol message that is malformed, truncated or hostile.
/// Thrown before anything is applied: the document is left exactly as it was.
/// </summary>
public sealed class CrdtFormatException(string message) : Exception(message);
