using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

/// <summary>Shared array: enough to read what clients send and to insert or delete values.</summary>
public sealed class YArray(Branch branch)
{
    public Branch Branch => branch;
    public int Length => branch.Length;

    /// <summary>The visible values: "any" values, binary blobs and nested types as their content.</summary>
    public List<object> ToList()
    {
        var list = new List<object>();
        for (var item = branch.Start; item != null; item = item.Right)
        {
            if (item.Deleted || !item.Countable) continue;
            switch (item.Content)
            {
                case ContentAny a: list.AddRange(a.Values); break;
                case ContentJson j: list.AddRange(j.Values); break;
                case ContentString s: list.Add(s.ToString()); break;
                case ContentBinary b: list.Add(b.Bytes); break;
                case ContentType t: list.Add(t.Type); break;
                case ContentEmbed e: list.Add(e.Embed.Value); break;
                case ContentDoc d: list.Add(d.Guid); break;
            }
        }
        return list;
    }

    public void Insert(int index, params AnyValue[] values)
    {
        if (values.Length == 0) return;
        var doc = branch.Doc ?? throw new InvalidOperationException("the array is not part of a document");
        if (index < 0 || index > branch.Length) throw new ArgumentOutOfRangeException(nameof(index));
        doc.Transact(tr =>
        {
            Item? left = null;
            var right = branch.Start;
            var pos = 0;
            while (right is not null && pos < index)
            {
                if (!right.Deleted && right.Countable)
                {
                    if (index - pos < right.Length) doc.Store.SplitAt(tr, right, index - pos);
                    pos += right.Length;
                }
                left = right;
                right = right.Right;
            }
            var client = doc.ClientId;
            var item = new Item(new Id(client, doc.Store.GetState(client)), left, left?.LastId, right, right?.Id, branch, null, null,
                new ContentAny([.. values]));
            item.Integrate(tr, 0);
        });
    }

    public void Delete(int index, int length)
    {
        var doc = branch.Doc ?? throw new InvalidOperationException("the array is not part of a document");
        if (index < 0 || length < 0 || index + length > branch.Length) throw new ArgumentOutOfRangeException(nameof(index));
        doc.Transact(tr =>
        {
            var pos = 0;
            var remaining = length;
            for (var item = branch.Start; item is not null && remaining > 0; item = item.Right)
            {
                if (item.Deleted || !item.Countable) continue;
                if (pos + item.Length <= index)
                {
                    pos += item.Length;
                    continue;
                }
                var target = item;
                if (pos < index)
                {
                    target = doc.Store.SplitAt(tr, item, index - pos);
                    pos = index;
                }
                if (remaining < target.Length) doc.Store.SplitAt(tr, target, remaining);
                remaining -= target.Length;
                pos += target.Length;
                target.Delete(tr);
                item = target;
            }
        });
    }
}
