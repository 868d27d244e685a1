using System.Text.Json;
using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Protocols;

/// <summary>One client's awareness state (cursor, selection, name...) as JSON text; null means the client left.</summary>
public sealed record AwarenessEntry(ulong ClientId, ulong Clock, string? StateJson)
{
    public bool IsRemoval => StateJson is null;
}

/// <summary>A y-protocols awareness update: for each client its clock and JSON state.</summary>
public sealed record AwarenessUpdate(IReadOnlyList<AwarenessEntry> Entries)
{
    public byte[] Encode()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt((ulong)Entries.Count);
        foreach (var e in Entries)
        {
            w.WriteVarUInt(e.ClientId);
            w.WriteVarUInt(e.Clock);
            w.WriteVarString(e.StateJson ?? "null");
        }
        return w.ToArray();
    }

    public static AwarenessUpdate Decode(byte[] bytes)
    {
        var r = new Lib0Reader(bytes);
        var count = r.ReadVarUInt();
        // Each entry takes at least three bytes.
        if (count > (ulong)r.Remaining / 3) throw new CrdtFormatException($"awareness update with {count} entries runs past the end of the input");
        var entries = new List<AwarenessEntry>((int)count);
        for (var i = 0UL; i < count; i++)
        {
            var client = r.ReadVarUInt();
            var clock = r.ReadVarUInt();
            var json = r.ReadVarString();
            try
            {
                using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Lib0Reader.MaxAnyDepth });
                entries.Add(new AwarenessEntry(client, clock, doc.RootElement.ValueKind == JsonValueKind.Null ? null : json));
            }
            catch (JsonException e)
            {
                throw new CrdtFormatException($"awareness state of client {client} is not JSON: {e.Message}");
            }
        }
        if (r.HasContent) throw new CrdtFormatException("unexpected bytes after the awareness update");
        return new AwarenessUpdate(entries);
    }
}

/// <summary>
/// The awareness states a peer knows, updated by the y-protocols rule: a higher clock wins; at the same clock
/// a removal wins over a state.
/// </summary>
public sealed class AwarenessStates
{
    private readonly Dictionary<ulong, (ulong Clock, string? State)> _meta = [];

    public IReadOnlyDictionary<ulong, string> States =>
        _meta.Where(kv => kv.Value.State is not null).ToDictionary(kv => kv.Key, kv => kv.Value.State!);

    /// <summary>Applies an update; returns the entries that changed something (to forward to others).</summary>
    public IReadOnlyList<AwarenessEntry> Apply(AwarenessUpdate update)
    {
        var changed = new List<AwarenessEntry>();
        foreach (var e in update.Entries)
        {
            var known = _meta.TryGetValue(e.ClientId, out var m);
            var accept = !known || m.Clock < e.Clock || (m.Clock == e.Clock && e.StateJson is null && m.State is not null);
            if (!accept) continue;
            _meta[e.ClientId] = (e.Clock, e.StateJson);
            changed.Add(e);
        }
        return changed;
    }
}
