using System.Text;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

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

    public void Insert(int index, string text)
    {
        if (text.Length == 0) return;
        Doc.Transact(tr =>
        {
            var (left, right) = FindInsertPosition(tr, index);
            InsertContent(tr, left, right, Doc.LocalString(text), index);
        });
    }

    /// <summary>Inserts an embedded JSON value (one position long).</summary>
    public void InsertEmbed(int index, Encoding.AnyValue embed) => Doc.Transact(tr =>
    {
        var (left, right) = FindInsertPosition(tr, index);
        InsertContent(tr, left, right, new ContentEmbed(Encoding.JsonText.FromValue(embed)), index);
    });

    public void Delete(int index, int length)
    {
        if (length <= 0) return;
        if (index < 0 || index + length > branch.Length) throw new ArgumentOutOfRangeException(nameof(index), $"range {index}+{length} is outside text of length {branch.Length}");
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
