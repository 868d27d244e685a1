using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>
/// One run of content in a shared type's list (or one value of a map key), with the neighbours it was inserted
/// between (its origins) so that concurrent inserts order themselves the same way everywhere (YATA).
/// </summary>
public sealed class Item : AbstractStruct
{
    public Item? Left;
    public Item? Right;
    public Id? Origin;
    public Id? RightOrigin;
    public Branch? Parent;
    public string? ParentSub;
    public IContent Content;
    public ItemFlags Flags;

    /// <summary>Before integration: the parent as read from the wire, a root name (string) or the parent type's item id.</summary>
    internal object? ParentRef;

    public Item(Id id, Item? left, Id? origin, Item? right, Id? rightOrigin, Branch? parent, object? parentRef, string? parentSub, IContent content)
        : base(id, content.Length)
    {
        Left = left;
        Origin = origin;
        Right = right;
        RightOrigin = rightOrigin;
        Parent = parent;
        ParentRef = parentRef;
        ParentSub = parentSub;
        Content = content;
        Flags = content.IsCountable ? ItemFlags.Countable : ItemFlags.None;
    }

    public override bool Deleted => (Flags & ItemFlags.Deleted) != 0;
    public bool Countable => (Flags & ItemFlags.Countable) != 0;
    public bool Keep => (Flags & ItemFlags.Keep) != 0;
    public Id LastId => Length == 1 ? Id : new Id(Id.Client, Id.Clock + Length - 1);

    public void MarkDeleted() => Flags |= ItemFlags.Deleted;

    /// <summary>The client whose structs this item needs and the document lacks, or null when it can integrate.</summary>
    internal uint? FindMissing(StructStore store)
    {
        var own = Id.Client;
        if (Origin is { } o && o.Client != own && o.Clock >= store.GetState(o.Client)) return o.Client;
        if (RightOrigin is { } r && r.Client != own && r.Clock >= store.GetState(r.Client)) return r.Client;
        if (ParentRef is Id p && p.Client != own && p.Clock >= store.GetState(p.Client)) return p.Client;
        return null;
    }

    /// <summary>Looks up origins and parent once everything they point to is present.</summary>
    internal void ResolveReferences(Transaction transaction)
    {
        var store = transaction.Doc.Store;
        AbstractStruct? left = null, right = null;
        if (Origin is { } o)
        {
            left = store.GetCleanEnd(transaction, o);
            Left = left as Item;
            if (Left != null) Origin = Left.LastId;
        }
        if (RightOrigin is { } r)
        {
            right = store.GetCleanStart(transaction, r);
            Right = right as Item;
            RightOrigin = right.Id;
        }
        if (left is GcStruct || right is GcStruct)
        {
            Parent = null;
        }
        else if (ParentRef is null)
        {
            if (left is Item l) { Parent = l.Parent; ParentSub = l.ParentSub; }
            if (right is Item rr) { Parent = rr.Parent; ParentSub = rr.ParentSub; }
        }
        else if (ParentRef is Id parentId)
        {
            Parent = store.Find(parentId) is Item { Content: ContentType ct } ? ct.Type : null;
        }
        else
        {
            Parent = transaction.Doc.GetOrCreateRoot((string)ParentRef);
        }
        ParentRef = null;
    }

    public override void Integrate(Transaction transaction, int offset)
    {
        if (offset > 0)
        {
            Id = new Id(Id.Client, Id.Clock + offset);
            var left = transaction.Doc.Store.GetCleanEnd(transaction, new Id(Id.Client, Id.Clock - 1));
            Left = left as Item;
            Origin = left is Item li ? li.LastId : new Id(Id.Client, Id.Clock - 1);
            Content = Content.Splice(offset);
            Length -= offset;
        }

        var parent = Parent;
        if (parent is null)
        {
            new GcStruct(Id, Length).Integrate(transaction, 0);
            return;
        }

        if ((Left is null && (Right is null || Right.Left is not null)) || (Left is not null && Left.Right != Right))
            ResolveConflicts(transaction.Doc.Store, parent);

        // Link into the list (or the map key's chain).
        if (Left is not null)
        {
            Right = Left.Right;
            Left.Right = this;
        }
        else
        {
            Item? r;
            if (ParentSub is not null)
            {
                r = parent.Map is not null && parent.Map.TryGetValue(ParentSub, out var v) ? v : null;
                while (r?.Left is not null) r = r.Left;
            }
            else
            {
                r = parent.Start;
                parent.Start = this;
            }
            Right = r;
        }
        if (Right is not null)
        {
            Right.Left = this;
        }
        else if (ParentSub is not null)
        {
            (parent.Map ??= new Dictionary<string, Item>())[ParentSub] = this;
            // The previous value of this key is superseded.
            Left?.Delete(transaction);
        }

        if (ParentSub is null && Countable && !Deleted) parent.Length += Length;
        parent.ClearSearchMarker();
        transaction.AddStruct(this);
        Content.Integrate(transaction, this);
        if ((parent.Item is not null && parent.Item.Deleted) || (ParentSub is not null && Right is not null))
            Delete(transaction);
    }

    /// <summary>YATA: among items inserted concurrently between the same neighbours, find where this one goes.</summary>
    private void ResolveConflicts(StructStore store, Branch parent)
    {
        var left = Left;
        Item? o;
        if (left is not null) o = left.Right;
        else if (ParentSub is not null)
        {
            o = parent.Map is not null && parent.Map.TryGetValue(ParentSub, out var v) ? v : null;
            while (o?.Left is not null) o = o.Left;
        }
        else o = parent.Start;

        HashSet<Item>? conflicting = null, beforeOrigin = null;
        while (o is not null && o != Right)
        {
            (beforeOrigin ??= []).Add(o);
            (conflicting ??= []).Add(o);
            if (Origin == o.Origin)
            {
                // Same left neighbour: the lower client id goes first; with the same right neighbour too, stop.
                if (o.Id.Client < Id.Client)
                {
                    left = o;
                    conflicting.Clear();
                }
                else if (RightOrigin == o.RightOrigin)
                {
                    break;
                }
            }
            else if (o.Origin is { } oo && store.Find(oo) is Item oi && beforeOrigin.Contains(oi))
            {
                if (!conflicting.Contains(oi))
                {
                    left = o;
                    conflicting.Clear();
                }
            }
            else
            {
                break;
            }
            o = o.Right;
        }
        Left = left;
    }

    public void Delete(Transaction transaction)
    {
        if (Deleted) return;
        var parent = Parent!;
        if (Countable && ParentSub is null) parent.Length -= Length;
        MarkDeleted();
        parent.ClearSearchMarker();
        transaction.DeleteSet.Add(Id.Client, Id.Clock, Length);
        Content.Delete(transaction);
        transaction.DeleteQueuedTypes();
    }

    /// <summary>Drops the content of a deleted item (what a nested type held becomes plain GC structs).</summary>
    internal void Gc(StructStore store)
    {
        if (!Deleted) throw new InvalidOperationException("only deleted items can be garbage collected");
        if (Content is ContentDeleted) return;
        Content.Gc(store);
        Content = new ContentDeleted(Length);
    }

    /// <summary>Cuts this item in two at <paramref name="diff"/>; returns the right half (not yet in the struct store).</summary>
    internal Item Split(Transaction transaction, int diff)
    {
        var right = new Item(new Id(Id.Client, Id.Clock + diff), this, new Id(Id.Client, Id.Clock + diff - 1), Right, RightOrigin,
            Parent, null, ParentSub, Content.Splice(diff));
        right.Flags = Flags;
        Right = right;
        if (right.Right is not null) right.Right.Left = right;
        transaction.MergeStructs.Add(right);
        if (right.ParentSub is not null && right.Right is null) Parent!.Map![right.ParentSub] = right;
        Length = diff;
        return right;
    }

    public override bool TryMergeWith(AbstractStruct other)
    {
        if (other is not Item right) return false;
        if (right.Origin != LastId || Right != right || RightOrigin != right.RightOrigin || Id.Client != right.Id.Client
            || Id.Clock + Length != right.Id.Clock || Deleted != right.Deleted || Content.Ref != right.Content.Ref
            || !Content.TryMerge(right.Content))
            return false;
        var parent = Parent;
        if (parent is not null && parent.MarkerItem == right)
        {
            parent.MarkerItem = this;
            if (!Deleted && Countable) parent.MarkerIndex -= Length;
        }
        if (right.Keep) Flags |= ItemFlags.Keep;
        Right = right.Right;
        if (Right is not null) Right.Left = this;
        Length += right.Length;
        return true;
    }

    public override void Write(IUpdateEncoder encoder, int offset)
    {
        var origin = offset > 0 ? new Id(Id.Client, Id.Clock + offset - 1) : Origin;
        var info = (byte)((int)Content.Ref & (int)ItemFlags.ContentRefMask);
        if (origin is not null) info |= (byte)ItemFlags.HasOrigin;
        if (RightOrigin is not null) info |= (byte)ItemFlags.HasRightOrigin;
        if (ParentSub is not null || (Flags & ItemFlags.HasParentSub) != 0) info |= (byte)ItemFlags.HasParentSub;
        encoder.WriteInfo(info);
        if (origin is { } o) encoder.WriteLeftId(o);
        if (RightOrigin is { } r) encoder.WriteRightId(r);
        if (origin is null && RightOrigin is null)
        {
            if (Parent is { } parent)
            {
                if (parent.Item is null)
                {
                    encoder.WriteParentInfo(true);
                    encoder.WriteString(parent.RootName!);
                }
                else
                {
                    encoder.WriteParentInfo(false);
                    encoder.WriteLeftId(parent.Item.Id);
                }
            }
            else if (ParentRef is string name)
            {
                encoder.WriteParentInfo(true);
                encoder.WriteString(name);
            }
            else if (ParentRef is Id pid)
            {
                encoder.WriteParentInfo(false);
                encoder.WriteLeftId(pid);
            }
            else
            {
                throw new InvalidOperationException("item without parent cannot be encoded");
            }
            if (ParentSub is not null) encoder.WriteString(ParentSub);
        }
        Content.Write(encoder, offset);
    }
}
