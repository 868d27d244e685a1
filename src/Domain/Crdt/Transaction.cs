using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// A batch of changes to a document. At the end, deleted content is garbage collected, neighbouring structs
/// are merged again (as yjs does, so both sides store, and encode, the same structs) and the update is emitted.
/// </summary>
public sealed class Transaction
{
    private readonly Dictionary<uint, int> _beforeState = [];

    internal Transaction(Doc doc, bool local)
    {
        Doc = doc;
        Local = local;
    }

    public Doc Doc { get; }
    public bool Local { get; }

    /// <summary>What this transaction deleted.</summary>
    public DeleteSet DeleteSet { get; } = new();

    /// <summary>Items split during the transaction, to try merging back at the end.</summary>
    internal List<Item> MergeStructs => _mergeStructs ??= [];

    private List<Item>? _mergeStructs;

    internal IReadOnlyDictionary<uint, int> ChangedClients => _beforeState;

    /// <summary>The client's clock when the transaction started.</summary>
    public int BeforeState(uint client) =>
        _beforeState.TryGetValue(client, out var clock) ? clock : Doc.Store.GetState(client);

    internal void AddStruct(AbstractStruct s)
    {
        var client = s.Id.Client;
        if (!_beforeState.ContainsKey(client)) _beforeState[client] = Doc.Store.GetState(client);
        Doc.Store.Add(s);
    }

    private Stack<Types.Branch>? _typesToDelete;
    private bool _deletingTypes;

    internal void QueueTypeDelete(Types.Branch type) => (_typesToDelete ??= new()).Push(type);

    /// <summary>Deletes the contents of deleted types, without recursion (nesting depth comes from the input).</summary>
    internal void DeleteQueuedTypes()
    {
        if (_deletingTypes || _typesToDelete is null) return;
        _deletingTypes = true;
        try
        {
            while (_typesToDelete.Count > 0)
            {
                var type = _typesToDelete.Pop();
                for (var item = type.Start; item != null; item = item.Right) DeleteInType(item);
                if (type.Map is null) continue;
                foreach (var item in type.Map.Values) DeleteInType(item);
            }
        }
        finally
        {
            _deletingTypes = false;
        }
    }

    private void DeleteInType(Item item)
    {
        if (!item.Deleted) item.Delete(this);
        else if (item.Id.Clock < BeforeState(item.Id.Client)) MergeStructs.Add(item);
    }

    internal bool HasChanges
    {
        get
        {
            if (!DeleteSet.IsEmpty) return true;
            foreach (var (client, before) in _beforeState)
                if (Doc.Store.GetState(client) != before) return true;
            return false;
        }
    }

    internal void Cleanup()
    {
        var store = Doc.Store;
        DeleteSet.SortAndMerge();
        if (Doc.Gc) GcDeleteSet(store);
        MergeDeleteSet(store);

        foreach (var (client, before) in _beforeState)
        {
            if (store.GetState(client) == before) continue;
            var structs = store.GetStructs(client)!;
            var firstChange = Math.Max(before == 0 ? 0 : StructStore.FindIndex(structs, before), 1);
            for (var i = structs.Count - 1; i >= firstChange;)
                i -= 1 + StructStore.TryMergeWithLefts(structs, i);
        }

        if (_mergeStructs is null) return;
        for (var i = _mergeStructs.Count - 1; i >= 0; i--)
        {
            var id = _mergeStructs[i].Id;
            var structs = store.GetStructs(id.Client)!;
            var pos = StructStore.FindIndex(structs, id.Clock);
            if (pos + 1 < structs.Count && StructStore.TryMergeWithLefts(structs, pos + 1) > 1) continue;
            if (pos > 0) StructStore.TryMergeWithLefts(structs, pos);
        }
    }

    private void GcDeleteSet(StructStore store)
    {
        foreach (var (client, ranges) in DeleteSet.Clients)
        {
            var structs = store.GetStructs(client);
            if (structs is null) continue;
            for (var di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                for (var si = StructStore.FindIndex(structs, range.Clock); si < structs.Count; si++)
                {
                    var s = structs[si];
                    if (s.Id.Clock >= range.End) break;
                    if (s is Item { Deleted: true, Keep: false } item) item.Gc(store);
                }
            }
        }
    }

    private void MergeDeleteSet(StructStore store)
    {
        foreach (var (client, ranges) in DeleteSet.Clients)
        {
            var structs = store.GetStructs(client);
            if (structs is null) continue;
            for (var di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                var mostRight = Math.Min(structs.Count - 1, 1 + StructStore.FindIndex(structs, range.End - 1));
                for (var si = mostRight; si > 0 && structs[si].Id.Clock >= range.Clock;)
                    si -= 1 + StructStore.TryMergeWithLefts(structs, si);
            }
        }
    }
}
