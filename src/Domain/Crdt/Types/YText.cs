using System.Text;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

/// <summary>One run of a rich-text delta: a string, an embed value or a nested type, with its attributes.</summary>
public sealed record TextDeltaOp(object Insert, IReadOnlyDictionary<string, AnyValue>? Attributes);

/// <summary>
/// Shared text. Indices and lengths are UTF-16 code units, as in JavaScript strings. Formatting marks and
/// embeds sent by clients are kept and re-encoded; <see cref="ToString"/> gives the plain text.
/// </summary>
public sealed class YText(Branch branch)
{
    public Branch Branch => branch;
    public int Length => branch.Length;

    public override string ToString()
    {
        var sb = new StringBuilder(branch.Length);
        for (var item = branch.Start; item != null; item = item.Right)
            if (!item.Deleted && item.Content is ContentString s) sb.Append(s.Span);
        return sb.ToString();
    }

    /// <summary>
    /// Inserts text. Without <paramref name="attributes"/> it takes the formatting in effect at the index; with
    /// them, formatting marks are added around it as yjs does (a null value removes an attribute).
    /// </summary>
    public void Insert(int index, string text, IReadOnlyDictionary<string, AnyValue?>? attributes = null)
    {
        if (text.Length == 0) return;
        if (attributes is null && !branch.HasFormatting)
        {
            Doc.Transact(tr =>
            {
                var (left, right) = FindInsertPosition(tr, index);
                InsertContent(tr, left, right, Doc.LocalString(text), index);
            });
            return;
        }
        Doc.Transact(tr =>
        {
            var pos = FindTextPosition(tr, index);
            InsertFormatted(tr, pos, Doc.LocalString(text), attributes is null ? new(pos.CurrentAttributes.ToDictionary(kv => kv.Key, kv => (AnyValue?)kv.Value)) : new(attributes));
        });
    }

    /// <summary>Inserts an embedded JSON value (one position long), unformatted unless attributes are given.</summary>
    public void InsertEmbed(int index, AnyValue embed, IReadOnlyDictionary<string, AnyValue?>? attributes = null) => Doc.Transact(tr =>
    {
        var pos = FindTextPosition(tr, index);
        InsertFormatted(tr, pos, new ContentEmbed(JsonText.FromValue(embed)), new(attributes ?? new Dictionary<string, AnyValue?>()));
    });

    /// <summary>Sets (or with null values removes) attributes on a range, as yjs's format().</summary>
    public void Format(int index, int length, IReadOnlyDictionary<string, AnyValue?> attributes)
    {
        if (length <= 0) return;
        Doc.Transact(tr =>
        {
            var pos = FindTextPosition(tr, index);
            if (pos.Right is null) return;
            TextFormatting.FormatText(tr, branch, pos, length, attributes);
        });
    }

    /// <summary>The content as a rich-text delta: runs of text (or embeds, nested types) with their attributes.</summary>
    public List<TextDeltaOp> ToDelta()
    {
        var ops = new List<TextDeltaOp>();
        var attributes = new Dictionary<string, AnyValue>();
        var sb = new StringBuilder();
        void Pack()
        {
            if (sb.Length == 0) return;
            ops.Add(new TextDeltaOp(sb.ToString(), attributes.Count == 0 ? null : new Dictionary<string, AnyValue>(attributes)));
            sb.Clear();
        }
        for (var item = branch.Start; item != null; item = item.Right)
        {
            if (item.Deleted) continue;
            switch (item.Content)
            {
                case ContentString s: sb.Append(s.Span); break;
                case ContentFormat f: Pack(); TextPosition.Update(attributes, f); break;
                case ContentEmbed e: Pack(); ops.Add(new TextDeltaOp(e.Embed.Value, attributes.Count == 0 ? null : new Dictionary<string, AnyValue>(attributes))); break;
                case ContentType t: Pack(); ops.Add(new TextDeltaOp(t.Type, attributes.Count == 0 ? null : new Dictionary<string, AnyValue>(attributes))); break;
            }
        }
        Pack();
        return ops;
    }

    private void InsertFormatted(Transaction tr, TextPosition pos, IContent content, Dictionary<string, AnyValue?> attributes)
    {
        foreach (var key in pos.CurrentAttributes.Keys)
            attributes.TryAdd(key, null);
        TextFormatting.MinimizeAttributeChanges(pos, attributes);
        var negated = TextFormatting.InsertAttributes(tr, branch, pos, attributes);
        var index = pos.Index;
        pos.Right = TextFormatting.InsertItem(tr, branch, pos, content);
        pos.Index = index;
        pos.Forward();
        TextFormatting.InsertNegatedAttributes(tr, branch, pos, negated);
    }

    /// <summary>The position at <paramref name="index"/> walked from the start, with the attributes in effect there.</summary>
    private TextPosition FindTextPosition(Transaction tr, int index)
    {
        if (index < 0 || index > branch.Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside text of length {branch.Length}");
        var pos = new TextPosition(null, branch.Start, 0, []);
        var count = index;
        while (pos.Right is { } right && count > 0)
        {
            if (right.Content is ContentFormat f)
            {
                if (!right.Deleted) TextPosition.Update(pos.CurrentAttributes, f);
            }
            else if (!right.Deleted)
            {
                if (count < right.Length) Doc.Store.SplitAt(tr, right, count);
                pos.Index += right.Length;
                count -= right.Length;
            }
            pos.Left = right;
            pos.Right = right.Right;
        }
        return pos;
    }

    public void Delete(int index, int length)
    {
        if (length <= 0) return;
        if (index < 0 || index + length > branch.Length) throw new ArgumentOutOfRangeException(nameof(index), $"range {index}+{length} is outside text of length {branch.Length}");
        if (branch.HasFormatting)
        {
            Doc.Transact(tr => DeleteFormatted(tr, index, length));
            return;
        }
        Doc.Transact(tr =>
        {
            var (_, right) = FindPosition(tr, index);
            var start = right;
            var remaining = length;
            while (remaining > 0 && right is not null)
            {
                if (!right.Deleted && right.Countable)
                {
                    if (remaining < right.Length) Doc.Store.SplitAt(tr, right, remaining);
                    remaining -= right.Length;
                    right.Delete(tr);
                }
                right = right.Right;
            }
            branch.SetSearchMarker(start, index);
        });
    }

    private void DeleteFormatted(Transaction tr, int index, int length)
    {
        var pos = FindTextPosition(tr, index);
        var startAttributes = new Dictionary<string, AnyValue>(pos.CurrentAttributes);
        var start = pos.Right;
        while (length > 0 && pos.Right is { } right)
        {
            if (!right.Deleted && right.Content is ContentString or ContentEmbed or ContentType)
            {
                if (length < right.Length) Doc.Store.SplitAt(tr, right, length);
                length -= right.Length;
                right.Delete(tr);
            }
            pos.Forward();
        }
        if (start is not null) TextFormatting.CleanupFormattingGap(tr, start, pos.Right, startAttributes, pos.CurrentAttributes);
    }

    private Doc Doc => branch.Doc ?? throw new InvalidOperationException("the text is not part of a document");

    private void InsertContent(Transaction tr, Item? left, Item? right, IContent content, int index)
    {
        var store = Doc.Store;
        var client = Doc.ClientId;
        var item = new Item(new Id(client, store.GetState(client)), left, left?.LastId, right, right?.Id, branch, null, null, content);
        item.Integrate(tr, 0);
        branch.SetSearchMarker(item, index);
    }

    /// <summary>Where an insert at <paramref name="index"/> goes: after the index-th unit, past deleted items and format ends.</summary>
    private (Item? Left, Item? Right) FindInsertPosition(Transaction tr, int index)
    {
        var (left, right) = FindPosition(tr, index);
        while (right is not null && (right.Deleted || right.Content is ContentFormat { Value.IsNull: true }))
        {
            left = right;
            right = right.Right;
        }
        return (left, right);
    }

    /// <summary>The neighbours at <paramref name="index"/>, splitting the item that spans it.</summary>
    private (Item? Left, Item? Right) FindPosition(Transaction tr, int index)
    {
        if (index < 0 || index > branch.Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside text of length {branch.Length}");
        Item? right;
        int pos;
        if (branch.MarkerItem is { } marker && index > 0)
        {
            right = marker;
            pos = branch.MarkerIndex;
            while (pos > index)
            {
                right = right.Left!;
                if (!right.Deleted && right.Countable) pos -= right.Length;
            }
        }
        else
        {
            right = branch.Start;
            pos = 0;
        }
        var left = right?.Left;
        while (right is not null && pos < index)
        {
            if (!right.Deleted && right.Countable)
            {
                if (index - pos < right.Length) Doc.Store.SplitAt(tr, right, index - pos);
                pos += right.Length;
            }
            left = right;
            right = right.Right;
        }
        return (left, right);
    }
}
