using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt;

/// <summary>Every struct of a document, per client, in clock order without gaps.</summary>
public sealed class StructStore
{
    private readonly Dictionary<uint, List<AbstractStruct>> _clients = [];

    public IReadOnlyDictionary<uint, List<AbstractStruct>> Clients => _clients;

    public int GetState(uint client)
    {
        if (!_clients.TryGetValue(client, out var structs) || structs.Count == 0) return 0;
        var last = structs[^1];
        return last.Id.Clock + last.Length;
    }

    public StateVector GetStateVector()
    {
        var sv = new StateVector();
        foreach (var (client, structs) in _clients)
        {
            if (structs.Count == 0) continue;
            var last = structs[^1];
            sv.Set(client, last.Id.Clock + last.Length);
        }
        return sv;
    }

    internal List<AbstractStruct>? GetStructs(uint client) => _clients.GetValueOrDefault(client);

    internal void Add(AbstractStruct s)
    {
        if (!_clients.TryGetValue(s.Id.Client, out var structs))
        {
            structs = [];
            _clients[s.Id.Client] = structs;
        }
        else if (structs.Count > 0 && structs[^1].EndClock != s.Id.Clock)
        {
            throw new InvalidOperationException($"struct {s.Id} does not continue client {s.Id.Client} at {structs[^1].EndClock}");
        }
        structs.Add(s);
    }

    /// <summary>Index of the struct that contains <paramref name="clock"/>.</summary>
    internal static int FindIndex(List<AbstractStruct> structs, int clock)
    {
        var left = 0;
        var right = structs.Count - 1;
        var last = structs[right];
        if (last.Id.Clock <= clock && clock < last.EndClock) return right;
        // Guess by proportion first, as clocks are mostly evenly spread.
        var mid = (int)((long)clock * right / Math.Max(1, last.EndClock - 1));
        while (left <= right)
        {
            var s = structs[mid];
            if (s.Id.Clock <= clock)
            {
                if (clock < s.EndClock) return mid;
                left = mid + 1;
            }
            else
            {
                right = mid - 1;
            }
            mid = (left + right) >> 1;
        }
        throw new InvalidOperationException($"clock {clock} is not in the store");
    }

    public AbstractStruct Find(Id id)
    {
        var structs = _clients[id.Client];
        return structs[FindIndex(structs, id.Clock)];
    }

    /// <summary>The struct that starts exactly at <paramref name="id"/>, splitting an item if needed.</summary>
    internal AbstractStruct GetCleanStart(Transaction transaction, Id id)
    {
        var structs = _clients[id.Client];
        var index = FindIndex(structs, id.Clock);
        var s = structs[index];
        if (s.Id.Clock < id.Clock && s is Item item)
        {
            var right = item.Split(transaction, id.Clock - item.Id.Clock);
            structs.Insert(index + 1, right);
            return right;
        }
        return s;
    }

    /// <summary>The struct that ends exactly at <paramref name="id"/>, splitting an item if needed.</summary>
    internal AbstractStruct GetCleanEnd(Transaction transaction, Id id)
    {
        var structs = _clients[id.Client];
        var index = FindIndex(structs, id.Clock);
        var s = structs[index];
        if (id.Clock != s.EndClock - 1 && s is Item item)
            structs.Insert(index + 1, item.Split(transaction, id.Clock - item.Id.Clock + 1));
        return s;
    }

    /// <summary>Splits <paramref name="item"/> so that a new item starts <paramref name="diff"/> clocks in; returns it.</summary>
    internal Item SplitAt(Transaction transaction, Item item, int diff)
    {
        var structs = _clients[item.Id.Client];
        var index = FindIndex(structs, item.Id.Clock);
        var right = item.Split(transaction, diff);
        structs.Insert(index + 1, right);
        return right;
    }

    internal void Replace(AbstractStruct old, AbstractStruct replacement)
    {
        var structs = _clients[old.Id.Client];
        structs[FindIndex(structs, old.Id.Clock)] = replacement;
    }

    /// <summary>Merges the struct at <paramref name="pos"/> into its left neighbours while they can merge; returns how many merged.</summary>
    internal static int TryMergeWithLefts(List<AbstractStruct> structs, int pos)
    {
        var right = structs[pos];
        var i = pos;
        for (; i > 0; i--)
        {
            var left = structs[i - 1];
            if (left.Deleted != right.Deleted || left.GetType() != right.GetType() || !left.TryMergeWith(right)) break;
            if (right is Item { ParentSub: { } sub, Parent: { Map: { } map } } && map.TryGetValue(sub, out var current) && current == right)
                map[sub] = (Item)left;
            right = left;
        }
        var merged = pos - i;
        if (merged > 0) structs.RemoveRange(pos + 1 - merged, merged);
        return merged;
    }
}
