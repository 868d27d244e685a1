using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt;

public readonly record struct DeleteRange(int Clock, int Length)
{
    public int End => Clock + Length;
}

/// <summary>Deleted clock ranges per client: deletions travel as ranges, never as structs.</summary>
public sealed class DeleteSet
{
    private static readonly Dictionary<uint, List<DeleteRange>> NoClients = [];

    // Allocated on first use: most transactions and updates delete nothing.
    private Dictionary<uint, List<DeleteRange>>? _map;

    private Dictionary<uint, List<DeleteRange>> Ranges => _map ?? NoClients;

    public IReadOnlyDictionary<uint, List<DeleteRange>> Clients => Ranges;
    public bool IsEmpty => _map is null || _map.Count == 0;

    public void Add(uint client, int clock, int length)
    {
        _map ??= [];
        if (!_map.TryGetValue(client, out var ranges))
        {
            ranges = [];
            _map[client] = ranges;
        }
        else if (ranges.Count > 0 && ranges[^1].End == clock)
        {
            ranges[^1] = new DeleteRange(ranges[^1].Clock, ranges[^1].Length + length);
            return;
        }
        ranges.Add(new DeleteRange(clock, length));
    }

    public bool Contains(Id id)
    {
        if (!Ranges.TryGetValue(id.Client, out var ranges)) return false;
        int lo = 0, hi = ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var r = ranges[mid];
            if (id.Clock < r.Clock) hi = mid - 1;
            else if (id.Clock >= r.End) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /// <summary>Sorts each client's ranges and joins overlapping or touching ones.</summary>
    public void SortAndMerge()
    {
        foreach (var ranges in Ranges.Values)
        {
            if (ranges.Count < 2) continue;
            ranges.Sort((a, b) => a.Clock.CompareTo(b.Clock));
            var j = 0;
            for (var i = 1; i < ranges.Count; i++)
            {
                var left = ranges[j];
                var right = ranges[i];
                if (left.End >= right.Clock) ranges[j] = new DeleteRange(left.Clock, Math.Max(left.End, right.End) - left.Clock);
                else ranges[++j] = right;
            }
            ranges.RemoveRange(j + 1, ranges.Count - j - 1);
        }
    }

    public static DeleteSet Merge(IEnumerable<DeleteSet> sets)
    {
        var merged = new DeleteSet();
        foreach (var ds in sets)
        foreach (var (client, ranges) in ds.Ranges)
        foreach (var r in ranges)
            merged.Add(client, r.Clock, r.Length);
        merged.SortAndMerge();
        return merged;
    }

    public static DeleteSet FromStore(StructStore store)
    {
        var ds = new DeleteSet();
        foreach (var (client, structs) in store.Clients)
        {
            List<DeleteRange>? ranges = null;
            for (var i = 0; i < structs.Count; i++)
            {
                var s = structs[i];
                if (!s.Deleted) continue;
                var clock = s.Id.Clock;
                var len = s.Length;
                while (i + 1 < structs.Count && structs[i + 1].Deleted) len += structs[++i].Length;
                (ranges ??= []).Add(new DeleteRange(clock, len));
            }
            if (ranges is not null) (ds._map ??= [])[client] = ranges;
        }
        return ds;
    }

    public void Write(IUpdateEncoder encoder)
    {
        encoder.Rest.WriteVarUInt((ulong)Ranges.Count);
        IEnumerable<KeyValuePair<uint, List<DeleteRange>>> clients = Ranges.Count > 1 ? Ranges.OrderByDescending(kv => kv.Key) : Ranges;
        foreach (var (client, ranges) in clients)
        {
            encoder.ResetDsCurVal();
            encoder.Rest.WriteVarUInt(client);
            encoder.Rest.WriteVarUInt((ulong)ranges.Count);
            foreach (var r in ranges)
            {
                encoder.WriteDsClock(r.Clock);
                encoder.WriteDsLen(r.Length);
            }
        }
    }

    public static DeleteSet Read(IUpdateDecoder decoder)
    {
        var ds = new DeleteSet();
        var rest = decoder.Rest;
        var clients = rest.ReadVarUInt();
        if (clients > (ulong)rest.Remaining) throw new CrdtFormatException($"delete set with {clients} clients runs past the end of the input");
        for (var i = 0UL; i < clients; i++)
        {
            decoder.ResetDsCurVal();
            var client = rest.ReadVarUInt32();
            var count = rest.ReadVarUInt();
            if (count > (ulong)rest.Remaining / 2) throw new CrdtFormatException($"delete set with {count} ranges runs past the end of the input");
            for (var j = 0UL; j < count; j++)
            {
                var clock = decoder.ReadDsClock();
                var len = decoder.ReadDsLen();
                if ((long)clock + len > int.MaxValue) throw new CrdtFormatException($"deleted range {client}:{clock}+{len} is out of the supported range");
                if (len > 0) ds.Add(client, clock, len);
            }
        }
        ds.SortAndMerge();
        return ds;
    }
}
