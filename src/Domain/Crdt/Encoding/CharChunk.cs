namespace PeerCode.Domain.Crdt.Encoding;

/// <summary>
/// A shared UTF-16 buffer that string contents point into, so typing, splitting and merging text never copies
/// characters one item at a time. Only the owner of the tail (the region ending at <see cref="Used"/>) may grow it.
/// </summary>
public sealed class CharChunk(int capacity)
{
    public char[] Data = new char[capacity];
    public int Used;

    /// <summary>Makes room for up to <paramref name="count"/> chars and returns where they start.</summary>
    public int Reserve(int count)
    {
        if (Used + count > Data.Length) Array.Resize(ref Data, Math.Max(Data.Length * 2, Used + count));
        return Used;
    }

    public void Commit(int start, int count) => Used = start + count;
}
