using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// A fully decoded and validated update: structs per client, in clock order, and a delete set. Decoding a
/// hostile update fails here with <see cref="CrdtFormatException"/>, before any document is touched.
/// </summary>
public sealed class Update
{
    public Update(Dictionary<uint, List<AbstractStruct>> structs, DeleteSet deleteSet)
    {
        Structs = structs;
        DeleteSet = deleteSet;
    }

    public Dictionary<uint, List<AbstractStruct>> Structs { get; }
    public DeleteSet DeleteSet { get; }

    public static Update DecodeV1(byte[] update) => Read(new UpdateDecoderV1(update), update.Length);


    public static Update DecodeV2(byte[] update) => Read(new UpdateDecoderV2(update), update.Length);

    public byte[] EncodeV1() => Encode(new UpdateEncoderV1());
    public byte[] EncodeV2() => Encode(new UpdateEncoderV2());

    public byte[] Encode(IUpdateEncoder encoder)
    {
        var clients = Structs.Where(kv => kv.Value.Count > 0).OrderByDescending(kv => kv.Key).ToList();
        encoder.Rest.WriteVarUInt((ulong)clients.Count);
        foreach (var (client, structs) in clients)
        {
            encoder.Rest.WriteVarUInt((ulong)structs.Count);
            encoder.WriteClient(client);
            encoder.Rest.WriteVarUInt((ulong)structs[0].Id.Clock);
            foreach (var s in structs) s.Write(encoder, 0);
        }
        DeleteSet.Write(encoder);
        return encoder.ToArray();
    }

    /// <summary>Reads an update and checks that nothing follows it.</summary>
    public static Update Read(IUpdateDecoder decoder, int inputLength)
    {
        var structs = ReadStructs(decoder, inputLength);
        var ds = DeleteSet.Read(decoder);
        if (decoder.Rest.HasContent) throw new CrdtFormatException($"{decoder.Rest.Remaining} unexpected bytes after the update");
        return new Update(structs, ds);
    }

    private static Dictionary<uint, List<AbstractStruct>> ReadStructs(IUpdateDecoder decoder, int inputLength)
    {
        var rest = decoder.Rest;
        var result = new Dictionary<uint, List<AbstractStruct>>();
        var numClients = rest.ReadVarUInt();
        if (numClients > (ulong)rest.Remaining) throw new CrdtFormatException($"update with {numClients} clients runs past the end of the input");
        // Every struct takes at least one byte in v1; v2 packs repeated fields, so allow a generous but bounded ratio.
        var budget = (long)inputLength * 16 + 16;
        for (var c = 0UL; c < numClients; c++)
        {
            var numStructs = rest.ReadVarUInt();
            if (numStructs > (ulong)budget) throw new CrdtFormatException($"client section with {numStructs} structs is out of proportion to the input");
            budget -= (long)numStructs;
            var client = decoder.ReadClient();
            var clock = rest.ReadVarIndex();
            if (!result.TryGetValue(client, out var list))
            {
                list = new List<AbstractStruct>((int)Math.Min(numStructs, 1024));
                result[client] = list;
            }
            else if (list.Count > 0 && list[^1].EndClock > clock)
            {
                throw new CrdtFormatException($"client {client} appears twice with overlapping clocks");
            }
            for (var i = 0UL; i < numStructs; i++)
            {
                var info = decoder.ReadInfo();
                var id = new Id(client, clock);
                AbstractStruct s;
                switch (info & (int)ItemFlags.ContentRefMask)
                {
                    case (int)ContentRef.Gc:
                        s = new GcStruct(id, decoder.ReadLen());
                        break;
                    case (int)ContentRef.Skip:
                        s = new SkipStruct(id, rest.ReadVarIndex());
                        break;
                    default:
                        s = ReadItem(decoder, id, info);
                        break;
                }
                if (s.Length <= 0) throw new CrdtFormatException($"struct {id} has no length");
                if ((long)clock + s.Length > int.MaxValue) throw new CrdtFormatException($"struct {id} runs past the supported clock range");
                list.Add(s);
                clock += s.Length;
            }
        }
        return result;
    }

    private static Item ReadItem(IUpdateDecoder decoder, Id id, byte info)
    {
        var flags = (ItemFlags)info;
        Id? origin = (flags & ItemFlags.HasOrigin) != 0 ? decoder.ReadLeftId() : null;
        Id? rightOrigin = (flags & ItemFlags.HasRightOrigin) != 0 ? decoder.ReadRightId() : null;
        object? parentRef = null;
        string? parentSub = null;
        if (origin is null && rightOrigin is null)
        {
            parentRef = decoder.ReadParentInfo() ? decoder.ReadString() : decoder.ReadLeftId();
            if ((flags & ItemFlags.HasParentSub) != 0) parentSub = decoder.ReadString();
        }
        var content = ContentReaders.Read(decoder, info & (int)ItemFlags.ContentRefMask);
        // A client's own earlier clocks are the only ones it can refer to.
        if (origin is { } o && o.Client == id.Client && o.Clock >= id.Clock
            || rightOrigin is { } r && r.Client == id.Client && r.Clock >= id.Clock
            || parentRef is Id p && p.Client == id.Client && p.Clock >= id.Clock)
            throw new CrdtFormatException($"item {id} refers to a later clock of its own client");
        var item = new Item(id, null, origin, null, rightOrigin, null, parentRef, parentSub, content);
        // A map entry's item says so even when its key is inherited from its origin; keep that for re-encoding.
        if ((flags & ItemFlags.HasParentSub) != 0) item.Flags |= ItemFlags.HasParentSub;
        return item;
    }
}
