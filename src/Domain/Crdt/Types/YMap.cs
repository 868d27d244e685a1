using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

/// <summary>Shared map: the last write per key wins, as in yjs.</summary>
public sealed class YMap(Branch branch)
{
    public Branch Branch => branch;

    public IEnumerable<string> Keys => branch.Map is null ? [] : branch.Map.Where(kv => !kv.Value.Deleted).Select(kv => kv.Key);

    /// <summary>The current value of <paramref name="key"/>: an "any" value, bytes, a nested type, or null when absent.</summary>
    public object? Get(string key)
    {
        if (branch.Map is null || !branch.Map.TryGetValue(key, out var item) || item.Deleted) return null;
        return item.Content switch
        {
            ContentAny a => a.Values[^1],
            ContentJson j => j.Values[^1],
            ContentBinary b => b.Bytes,
            ContentType t => t.Type,
            ContentString s => s.ToString(),
            ContentEmbed e => e.Embed.Value,
            ContentDoc d => d.Guid,
            _ => null,
        };
    }

    public void Set(string key, AnyValue value)
    {
        var doc = branch.Doc ?? throw new InvalidOperationException("the map is not part of a document");
        doc.Transact(tr =>
        {
            var left = branch.Map is not null && branch.Map.TryGetValue(key, out var current) ? current : null;
            var client = doc.ClientId;
            var item = new Item(new Id(client, doc.Store.GetState(client)), left, left?.LastId, null, null, branch, null, key,
                new ContentAny([value]));
            item.Integrate(tr, 0);
        });
    }

    public void Delete(string key)
    {
        var doc = branch.Doc ?? throw new InvalidOperationException("the map is not part of a document");
        if (branch.Map is null || !branch.Map.TryGetValue(key, out var item) || item.Deleted) return;
        doc.Transact(item.Delete);
    }
}
