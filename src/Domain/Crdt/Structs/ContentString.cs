using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>
/// Text, held as a window into a shared <see cref="CharChunk"/>: splitting is free, and merging neighbours that
/// were typed one after the other only widens the window.
/// </summary>
public sealed class ContentString : IContent
{
    private CharChunk _chunk;
    private int _start;

    public ContentString(CharChunk chunk, int start, int length)
    {
        _chunk = chunk;
        _start = start;
        Length = length;
    }

    public static ContentString Of(string text)
    {
        var chunk = new CharChunk(text.Length);
        text.CopyTo(chunk.Data);
        chunk.Used = text.Length;
        return new ContentString(chunk, 0, text.Length);
    }

    public ContentRef Ref => ContentRef.String;
    public int Length { get; private set; }
    public bool IsCountable => true;

    public ReadOnlySpan<char> Span => _chunk.Data.AsSpan(_start, Length);

    /// <summary>The buffer this text is a window into (shared with other items' text).</summary>
    public CharChunk Chunk => _chunk;

    public override string ToString() => Span.ToString();

    public IContent Splice(int offset)
    {
        var right = new ContentString(_chunk, _start + offset, Length - offset);
        Length = offset;
        // A surrogate pair cut in half cannot be encoded: both halves become U+FFFD, as yjs does.
        if (char.IsHighSurrogate(_chunk.Data[_start + offset - 1]))
        {
            _chunk.Data[_start + offset - 1] = '\uFFFD';
            _chunk.Data[_start + offset] = '\uFFFD';
        }
        return right;
    }

    public bool TryMerge(IContent right)
    {
        var r = (ContentString)right;
        var end = _start + Length;
        if (r._chunk == _chunk && r._start == end)
        {
            Length += r.Length;
            return true;
        }
        if (end == _chunk.Used && end + r.Length <= _chunk.Data.Length)
        {
            r.Span.CopyTo(_chunk.Data.AsSpan(end));
            _chunk.Used += r.Length;
            Length += r.Length;
            return true;
        }
        var total = Length + r.Length;
        var chunk = new CharChunk(Math.Max(16, total * 2));
        Span.CopyTo(chunk.Data);
        r.Span.CopyTo(chunk.Data.AsSpan(Length));
        chunk.Used = total;
        _chunk = chunk;
        _start = 0;
        Length = total;
        return true;
    }

    public void Write(IUpdateEncoder encoder, int offset) => encoder.WriteString(Span[offset..]);

    /// <summary>Longer text stays where it was decoded: a paste or a snapshot fills its decode buffer by itself.</summary>
    private const int MostCharsMoved = 1024;

    /// <summary>Moves text decoded from an update into the document's own buffer (see <see cref="Doc.KeepChars"/>).</summary>
    public void Integrate(Transaction transaction, Item item)
    {
        var doc = transaction.Doc;
        if (_chunk == doc.LocalChars || Length > MostCharsMoved) return;
        (_chunk, _start) = doc.KeepChars(Span);
    }
    public void Delete(Transaction transaction) { }
    public void Gc(StructStore store) { }

    internal static ContentString Read(IUpdateDecoder decoder) => decoder.ReadStringContent();
}
