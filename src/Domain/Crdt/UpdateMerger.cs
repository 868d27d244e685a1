using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// Works on updates without a document, as yjs's mergeUpdates / diffUpdate / encodeStateVectorFromUpdate do:
/// compacts stored updates into one, and cuts out what a peer already has.
/// </summary>
public static class UpdateMerger
{
    /// <summary>Merges v1 updates into one v1 update (duplicates dropped, gaps kept as skips).</summary>
    public static byte[] MergeUpdates(IReadOnlyList<byte[]> updates)
    {
        if (updates.Count == 1) return updates[0];
        return Merge(updates.Select(Update.DecodeV1).ToList()).EncodeV1();
    }

    /// <summary>What of a v1 update the holder of <paramref name="encodedStateVector"/> lacks.</summary>
    public static byte[] DiffUpdate(byte[] update, byte[] encodedStateVector) =>
        Diff(Update.DecodeV1(update), StateVector.Decode(encodedStateVector)).EncodeV1();

    public static byte[] MergeUpdatesV2(IReadOnlyList<byte[]> updates)
    {
        if (updates.Count == 1) return updates[0];
        return Merge(updates.Select(Update.DecodeV2).ToList()).EncodeV2();
    }

    public static byte[] DiffUpdateV2(byte[] update, byte[] encodedStateVector) =>
        Diff(Update.DecodeV2(update), StateVector.Decode(encodedStateVector)).EncodeV2();

    /// <summary>As yjs's convertUpdateFormatV1ToV2 (which re-reads structs the way merging does).</summary>
    public static byte[] ConvertV1ToV2(byte[] update) => Normalize(Update.DecodeV1(update)).EncodeV2();

    /// <summary>As yjs's convertUpdateFormatV2ToV1.</summary>
    public static byte[] ConvertV2ToV1(byte[] update) => Normalize(Update.DecodeV2(update)).EncodeV1();

    private static Update Normalize(Update update)
    {
        foreach (var structs in update.Structs.Values)
            foreach (var s in structs) ForOutput(s);
        return update;
    }

    /// <summary>The state vector of an update: for each client, where its first contiguous run ends.</summary>
    public static byte[] EncodeStateVectorFromUpdate(byte[] update)
    {
        var decoded = Update.DecodeV1(update);
        var sv = new StateVector();
        foreach (var (client, structs) in decoded.Structs)
        {
            if (structs.Count == 0 || structs[0].Id.Clock != 0) continue;
            var clock = 0;
            foreach (var s in structs)
            {
                if (s is SkipStruct || s.Id.Clock != clock) break;
                clock = s.EndClock;
            }
            sv.Set(client, clock);
        }
        return sv.Encode();
    }

    /// <summary>Merges decoded updates. The structs of the inputs are consumed (sliced in place).</summary>
    public static Update Merge(IReadOnlyList<Update> updates)
    {
        var result = new Dictionary<uint, List<AbstractStruct>>();
        var clients = updates.SelectMany(u => u.Structs.Keys).Distinct();
        foreach (var client in clients)
        {
            // Stable sort by clock keeps the earlier update first on ties, as yjs does.
            var all = updates.SelectMany(u => u.Structs.TryGetValue(client, out var l) ? l : [])
                .Where(s => s is not SkipStruct).OrderBy(s => s.Id.Clock).ToList();
            if (all.Count == 0) continue;
            var output = new List<AbstractStruct>();
            AbstractStruct? current = null;
            foreach (var next in all)
            {
                var s = next;
                if (current is null)
                {
                    current = ForOutput(s);
                    continue;
                }
                if (s.EndClock <= current.EndClock) continue;
                if (s.Id.Clock > current.EndClock)
                {
                    output.Add(current);
                    output.Add(new SkipStruct(new Id(client, current.EndClock), s.Id.Clock - current.EndClock));
                    current = ForOutput(s);
                    continue;
                }
                var overlap = current.EndClock - s.Id.Clock;
                if (overlap > 0) s = Slice(s, overlap);
                s = ForOutput(s);
                if (current is GcStruct && s is GcStruct) current.Length += s.Length;
                else
                {
                    output.Add(current);
                    current = s;
                }
            }
            output.Add(current!);
            result[client] = output;
        }
        return new Update(result, DeleteSet.Merge(updates.Select(u => u.DeleteSet)));
    }

    /// <summary>The part of <paramref name="update"/> beyond <paramref name="sv"/>. Consumes the update's structs.</summary>
    public static Update Diff(Update update, StateVector sv)
    {
        var result = new Dictionary<uint, List<AbstractStruct>>();
        foreach (var (client, structs) in update.Structs)
        {
            var svClock = sv.Get(client);
            var output = new List<AbstractStruct>();
            foreach (var s in structs)
            {
                if (output.Count == 0)
                {
                    if (s is SkipStruct || s.EndClock <= svClock) continue;
                    output.Add(ForOutput(s.Id.Clock < svClock ? Slice(s, svClock - s.Id.Clock) : s));
                }
                else
                {
                    output.Add(ForOutput(s));
                }
            }
            if (output.Count > 0) result[client] = output;
        }
        return new Update(result, update.DeleteSet);
    }

    /// <summary>The same clocks without the first <paramref name="diff"/>.</summary>
    internal static AbstractStruct Slice(AbstractStruct s, int diff) => s switch
    {
        GcStruct => new GcStruct(new Id(s.Id.Client, s.Id.Clock + diff), s.Length - diff),
        SkipStruct => new SkipStruct(new Id(s.Id.Client, s.Id.Clock + diff), s.Length - diff),
        Item item => new Item(new Id(s.Id.Client, s.Id.Clock + diff), null, new Id(s.Id.Client, s.Id.Clock + diff - 1), null,
            item.RightOrigin, null, null, item.ParentSub, item.Content.Splice(diff)),
        _ => throw new InvalidOperationException($"unknown struct {s.GetType().Name}"),
    };

    // yjs re-reads structs for merging without the key an item inherits from its origin, so the "has key" bit
    // of such items is not carried over; do the same to produce the same bytes.
    private static AbstractStruct ForOutput(AbstractStruct s)
    {
        if (s is Item { ParentSub: null } item) item.Flags &= ~ItemFlags.HasParentSub;
        return s;
    }

}
