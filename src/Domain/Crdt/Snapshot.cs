using System.Text;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// A moment of a document: what existed (state vector) and what was deleted (delete set). Reading content at
/// a snapshot needs a document created with gc: false, so deleted text is still there.
/// </summary>
public sealed record Snapshot(DeleteSet DeleteSet, StateVector StateVector)
{
    public static Snapshot Of(Doc doc) => new(DeleteSet.FromStore(doc.Store), doc.Store.GetStateVector());

    /// <summary>Encoded as yjs's encodeSnapshot: the delete set, then the state vector (format v1).</summary>
    public byte[] Encode()
    {
        var encoder = new UpdateEncoderV1();
        DeleteSet.Write(encoder);
        StateVector.Write(encoder.Rest);
        return encoder.ToArray();
    }

    public static Snapshot Decode(byte[] bytes)
    {
        var decoder = new UpdateDecoderV1(bytes);
        var ds = DeleteSet.Read(decoder);
        var sv = StateVector.Read(decoder.Rest);
        if (decoder.Rest.HasContent) throw new CrdtFormatException("unexpected bytes after the snapshot");
        return new Snapshot(ds, sv);
    }

    /// <summary>
    /// A new document holding <paramref name="origin"/> as it was at this snapshot (yjs's createDocFromSnapshot),
    /// e.g. to replay a moment of an interview. The origin must keep deleted content (gc: false); its content
    /// is unchanged (items cut at the snapshot's clocks are merged back at the end of the transaction).
    /// </summary>
    public Doc ToDoc(Doc origin, uint clientId)
    {
        if (origin.Gc) throw new InvalidOperationException("restoring a snapshot needs a document created with gc: false");
        byte[] update = [];
        origin.Transact(tr =>
        {
            var encoder = new UpdateEncoderV1();
            var clients = StateVector.Clocks.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Key).ToList();
            encoder.Rest.WriteVarUInt((ulong)clients.Count);
            foreach (var (client, clock) in clients)
            {
                if (clock < origin.Store.GetState(client)) origin.Store.GetCleanStart(tr, new Id(client, clock));
                var structs = origin.Store.GetStructs(client)
                    ?? throw new InvalidOperationException($"the document has nothing of client {client} the snapshot names");
                var last = StructStore.FindIndex(structs, clock - 1);
                encoder.Rest.WriteVarUInt((ulong)(last + 1));
                encoder.WriteClient(client);
                encoder.Rest.WriteVarUInt(0);
                for (var i = 0; i <= last; i++) structs[i].Write(encoder, 0);
            }
            DeleteSet.Write(encoder);
            update = encoder.ToArray();
        });
        var doc = new Doc(clientId, gc: false);
        doc.ApplyUpdate(update);
        return doc;
    }

    /// <summary>Whether one clock of content existed and was not deleted at this moment.</summary>
    public bool IsVisible(Id id) => id.Clock < StateVector.Get(id.Client) && !DeleteSet.Contains(id);

    /// <summary>The text of <paramref name="text"/> as it was at this snapshot. Does not modify the document.</summary>
    public string TextAt(YText text)
    {
        var doc = text.Branch.Doc ?? throw new InvalidOperationException("the text is not part of a document");
        if (doc.Gc) throw new InvalidOperationException("reading a snapshot needs a document created with gc: false");
        var sb = new StringBuilder();
        for (var item = text.Branch.Start; item is not null; item = item.Right)
        {
            if (item.Content is not ContentString s) continue;
            var client = item.Id.Client;
            var end = Math.Min(item.EndClock, StateVector.Get(client));
            for (var clock = item.Id.Clock; clock < end;)
            {
                // Copy the longest visible run, skipping deleted ranges.
                var runEnd = NextBoundary(client, clock, end, out var visible);
                if (visible) sb.Append(s.Span[(clock - item.Id.Clock)..(runEnd - item.Id.Clock)]);
                clock = runEnd;
            }
        }
        return sb.ToString();
    }

    private int NextBoundary(uint client, int clock, int end, out bool visible)
    {
        visible = true;
        if (!DeleteSet.Clients.TryGetValue(client, out var ranges)) return end;
        // First range that ends after clock (ranges are sorted and disjoint).
        int lo = 0, hi = ranges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (ranges[mid].End <= clock) lo = mid + 1;
            else hi = mid;
        }
        if (lo == ranges.Count) return end;
        var r = ranges[lo];
        if (r.Clock <= clock)
        {
            visible = false;
            return Math.Min(r.End, end);
        }
        return Math.Min(r.Clock, end);
    }
}
