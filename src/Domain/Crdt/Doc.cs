using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Crdt;

/// <summary>
/// A Yjs-compatible document: root types by name, the struct store, and updates that could not integrate yet
/// (pending structs and deletes, waiting for the updates they depend on).
/// </summary>
public sealed class Doc
{
    private readonly Dictionary<string, Branch> _share = [];
    private Dictionary<uint, List<AbstractStruct>> _pendingStructs = [];
    private DeleteSet? _pendingDeletes;
    private Transaction? _current;

    public Doc(uint clientId, bool gc = true)
    {
        ClientId = clientId;
        Gc = gc;
    }

    public uint ClientId { get; }
    public bool Gc { get; }
    public StructStore Store { get; } = new();

    /// <summary>Buffer for text typed locally, so consecutive keystrokes share one window of characters.</summary>
    internal CharChunk LocalChars { get; private set; } = new(4096);

    /// <summary>Called after each transaction that changed something, with the v1 update describing the change.</summary>
    public event Action<byte[], Transaction>? UpdateV1;

    public IReadOnlyDictionary<string, Branch> Share => _share;

    public bool HasPending => _pendingStructs.Count > 0 || _pendingDeletes is not null;

    public YText GetText(string name) => new(GetOrCreateRoot(name, TypeRef.Text));
    public YMap GetMap(string name) => new(GetOrCreateRoot(name, TypeRef.Map));
    public YArray GetArray(string name) => new(GetOrCreateRoot(name, TypeRef.Array));

    internal Branch GetOrCreateRoot(string name, TypeRef typeRef = TypeRef.Undefined)
    {
        if (!_share.TryGetValue(name, out var branch))
        {
            branch = Branch.Root(this, name);
            _share[name] = branch;
        }
        if (typeRef != TypeRef.Undefined)
        {
            if (branch.TypeRef == TypeRef.Undefined) branch.TypeRef = typeRef;
            else if (branch.TypeRef != typeRef) throw new InvalidOperationException($"root type '{name}' is a {branch.TypeRef}, not a {typeRef}");
        }
        return branch;
    }

    /// <summary>Runs <paramref name="change"/> in a transaction (joining the current one when nested).</summary>
    public void Transact(Action<Transaction> change, bool local = true)
    {
        if (_current is not null)
        {
            change(_current);
            return;
        }
        var tr = new Transaction(this, local);
        _current = tr;
        try
        {
            change(tr);
        }
        finally
        {
            _current = null;
            tr.Cleanup();
        }
        EmitUpdate(tr);
    }

    private void EmitUpdate(Transaction tr)
    {
        if (UpdateV1 is not null && tr.HasChanges) UpdateV1(EncodeTransaction(tr), tr);
    }

    /// <summary>Copies locally typed text into the shared buffer, right after the previous keystroke's text.</summary>
    internal ContentString LocalString(ReadOnlySpan<char> text)
    {
        var (chunk, start) = KeepChars(text);
        return new ContentString(chunk, start, text.Length);
    }

    /// <summary>
    /// Copies text into the document's own buffer (<see cref="LocalChars"/>) and returns where it now lives. Integrated
    /// text is kept there rather than in the buffer it was decoded into: a remote keystroke's update otherwise keeps
    /// its own small buffer (an object and an array) alive for as long as the document lives.
    /// </summary>
    internal (CharChunk Chunk, int Start) KeepChars(ReadOnlySpan<char> text)
    {
        if (LocalChars.Used + text.Length > LocalChars.Data.Length)
            LocalChars = new CharChunk(Math.Max(4096, Math.Min(text.Length * 2, 1 << 20)));
        var chunk = LocalChars;
        var start = chunk.Reserve(text.Length);
        text.CopyTo(chunk.Data.AsSpan(start));
        chunk.Commit(start, text.Length);
        return (chunk, start);
    }

    /// <summary>Applies a v1 update. A malformed update throws <see cref="CrdtFormatException"/> and changes nothing.</summary>
    public void ApplyUpdate(byte[] update) => Apply(Update.DecodeV1(update));



    /// <summary>Applies a v2 update. A malformed update throws <see cref="CrdtFormatException"/> and changes nothing.</summary>
    public void ApplyUpdateV2(byte[] update) => Apply(Update.DecodeV2(update));

    public void Apply(Update update)
    {
        ValidateParents(update);
        if (_current is not null)
        {
            Integrate(_current, update);
            return;
        }
        // As Transact, without a closure: this is the hot path of every received update.
        var tr = new Transaction(this, local: false);
        _current = tr;
        try
        {
            Integrate(tr, update);
        }
        finally
        {
            _current = null;
            tr.Cleanup();
        }
        EmitUpdate(tr);
    }

    /// <summary>
    /// Rejects, before anything changes, items whose parent reference points at content that is not a shared
    /// type (a yjs client never sends that). References to structs we do not have yet simply wait as pending.
    /// </summary>
    private void ValidateParents(Update update)
    {
        foreach (var structs in update.Structs.Values)
        foreach (var s in structs)
        {
            if (s is not Item { ParentRef: Id parent } item) continue;
            AbstractStruct? target = null;
            if (parent.Clock < Store.GetState(parent.Client)) target = Store.Find(parent);
            else if (update.Structs.TryGetValue(parent.Client, out var list) && list.Count > 0 && list[0].Id.Clock <= parent.Clock && parent.Clock < list[^1].EndClock)
                target = list[FindStructIndex(list, parent.Clock)];
            if (target is Item { Content: not (ContentType or ContentDeleted) })
                throw new CrdtFormatException($"item {item.Id} names {parent} as its parent, which is not a shared type");
        }
    }

    private static int FindStructIndex(List<AbstractStruct> list, int clock)
    {
        int lo = 0, hi = list.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (list[mid].Id.Clock <= clock) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private void Integrate(Transaction tr, Update update)
    {
        Enqueue(update.Structs);
        IntegratePending(tr);
        var deletes = _pendingDeletes is null ? update.DeleteSet : DeleteSet.Merge([update.DeleteSet, _pendingDeletes]);
        var unapplied = ApplyDeleteSet(tr, deletes);
        _pendingDeletes = unapplied.IsEmpty ? null : unapplied;
    }

    private void Enqueue(Dictionary<uint, List<AbstractStruct>> structs)
    {
        if (_pendingStructs.Count == 0)
        {
            _pendingStructs = structs;
            return;
        }
        foreach (var (client, list) in structs)
        {
            if (!_pendingStructs.TryGetValue(client, out var queue)) _pendingStructs[client] = list;
            else
            {
                queue.AddRange(list);
                queue.Sort((a, b) => a.Id.Clock.CompareTo(b.Id.Clock));
            }
        }
    }

    /// <summary>Integrates every queued struct whose dependencies are present; the rest stay pending.</summary>
    private void IntegratePending(Transaction tr)
    {
        if (_pendingStructs.Count == 1)
        {
            // The common case (one client's update): no dependency on another queue can be resolved here.
            uint only = 0;
            List<AbstractStruct>? queue = null;
            foreach (var (client, q) in _pendingStructs)
            {
                only = client;
                queue = q;
            }
            var head = IntegrateQueue(tr, only, queue!, 0, out _);
            Trim(only, queue!, head);
            return;
        }
        var clients = new uint[_pendingStructs.Count];
        _pendingStructs.Keys.CopyTo(clients, 0);
        Array.Sort(clients, (a, b) => b.CompareTo(a));
        var heads = new int[clients.Length];
        bool progress;
        do
        {
            progress = false;
            for (var ci = 0; ci < clients.Length; ci++)
            {
                heads[ci] = IntegrateQueue(tr, clients[ci], _pendingStructs[clients[ci]], heads[ci], out var advanced);
                progress |= advanced;
            }
        } while (progress);
        for (var ci = 0; ci < clients.Length; ci++) Trim(clients[ci], _pendingStructs[clients[ci]], heads[ci]);
    }

    /// <summary>Integrates one client's queued structs from <paramref name="head"/> until one must wait; returns the new head.</summary>
    private int IntegrateQueue(Transaction tr, uint client, List<AbstractStruct> queue, int head, out bool progress)
    {
        progress = false;
        while (head < queue.Count)
        {
            var s = queue[head];
            var state = Store.GetState(client);
            if (s is SkipStruct || s.EndClock <= state)
            {
                head++;
                continue;
            }
            if (s.Id.Clock > state) break;
            if (s is Item item)
            {
                if (item.FindMissing(Store) is not null) break;
                item.ResolveReferences(tr);
            }
            s.Integrate(tr, state - s.Id.Clock);
            head++;
            progress = true;
        }
        return head;
    }

    private void Trim(uint client, List<AbstractStruct> queue, int head)
    {
        if (head >= queue.Count) _pendingStructs.Remove(client);
        else if (head > 0) queue.RemoveRange(0, head);
    }

    /// <summary>Deletes what is present; returns the ranges that refer to structs we do not have yet.</summary>
    private DeleteSet ApplyDeleteSet(Transaction tr, DeleteSet ds)
    {
        var unapplied = new DeleteSet();
        foreach (var (client, ranges) in ds.Clients)
        {
            var state = Store.GetState(client);
            var structs = Store.GetStructs(client);
            foreach (var range in ranges)
            {
                var end = range.End;
                if (range.Clock >= state)
                {
                    unapplied.Add(client, range.Clock, range.Length);
                    continue;
                }
                if (state < end) unapplied.Add(client, state, end - state);
                var index = StructStore.FindIndex(structs!, range.Clock);
                var s = structs![index];
                if (!s.Deleted && s.Id.Clock < range.Clock)
                {
                    structs.Insert(index + 1, ((Item)s).Split(tr, range.Clock - s.Id.Clock));
                    index++;
                }
                while (index < structs.Count)
                {
                    s = structs[index++];
                    if (s.Id.Clock >= end) break;
                    if (s.Deleted) continue;
                    var item = (Item)s;
                    if (end < item.EndClock) structs.Insert(index, item.Split(tr, end - item.Id.Clock));
                    item.Delete(tr);
                }
            }
        }
        return unapplied;
    }

    public StateVector GetStateVector() => Store.GetStateVector();

    public byte[] EncodeStateVector() => Store.GetStateVector().Encode();

    /// <summary>Everything the holder of <paramref name="encodedStateVector"/> lacks (all of it when null), as a v1 update.</summary>
    public byte[] EncodeStateAsUpdate(byte[]? encodedStateVector = null) =>
        EncodeStateAsUpdate(() => new UpdateEncoderV1(), encodedStateVector);

    /// <summary>As <see cref="EncodeStateAsUpdate"/>, in format v2.</summary>
    public byte[] EncodeStateAsUpdateV2(byte[]? encodedStateVector = null) =>
        EncodeStateAsUpdate(() => new UpdateEncoderV2(), encodedStateVector);


    private byte[] EncodeStateAsUpdate(Func<IUpdateEncoder> newEncoder, byte[]? encodedStateVector)
    {
        var encoder = newEncoder();
        var target = encodedStateVector is null ? new StateVector() : StateVector.Decode(encodedStateVector);
        var from = new List<(uint Client, int Clock)>();
        foreach (var (client, clock) in target.Clocks)
            if (Store.GetState(client) > clock) from.Add((client, clock));
        foreach (var client in Store.Clients.Keys)
            if (!target.Contains(client) && Store.Clients[client].Count > 0) from.Add((client, 0));
        WriteClientsStructs(encoder, from);
        DeleteSet.FromStore(Store).Write(encoder);
        var encoded = encoder.ToArray();
        if (!HasPending) return encoded;
        // Like yjs, carry what still waits for its dependencies, so nothing received is lost. The pending
        // structs are re-decoded from their encoding because merging slices structs in place.
        var parts = new List<Update> { encoder is UpdateEncoderV2 ? Update.DecodeV2(encoded) : Update.DecodeV1(encoded) };
        if (_pendingDeletes is not null) parts.Add(new Update([], _pendingDeletes));
        if (_pendingStructs.Count > 0) parts.Add(UpdateMerger.Diff(Update.DecodeV1(EncodePendingStructs()), target));
        return UpdateMerger.Merge(parts).Encode(newEncoder());
    }

    /// <summary>The pending structs as one v1 update: duplicates dropped, overlaps cut, gaps as skips.</summary>
    private byte[] EncodePendingStructs()
    {
        var encoder = new UpdateEncoderV1();
        var clients = _pendingStructs.Where(kv => kv.Value.Any(s => s is not SkipStruct)).OrderByDescending(kv => kv.Key).ToList();
        encoder.Rest.WriteVarUInt((ulong)clients.Count);
        foreach (var (client, queue) in clients)
        {
            var parts = new List<(AbstractStruct Struct, int Offset)>();
            var end = -1;
            foreach (var s in queue)
            {
                if (s is SkipStruct || s.EndClock <= end) continue;
                if (end >= 0 && s.Id.Clock > end) parts.Add((new SkipStruct(new Id(client, end), s.Id.Clock - end), 0));
                parts.Add((s, end > s.Id.Clock ? end - s.Id.Clock : 0));
                end = s.EndClock;
            }
            encoder.Rest.WriteVarUInt((ulong)parts.Count);
            encoder.WriteClient(client);
            encoder.Rest.WriteVarUInt((ulong)(parts[0].Struct.Id.Clock + parts[0].Offset));
            foreach (var (s, offset) in parts) s.Write(encoder, offset);
        }
        encoder.Rest.WriteVarUInt(0); // no deletes
        return encoder.ToArray();
    }

    private byte[] EncodeTransaction(Transaction tr)
    {
        var encoder = new UpdateEncoderV1();
        var from = new List<(uint Client, int Clock)>();
        foreach (var (client, before) in tr.ChangedClients)
            if (Store.GetState(client) > before) from.Add((client, before));
        WriteClientsStructs(encoder, from);
        tr.DeleteSet.Write(encoder);
        return encoder.ToArray();
    }

    private void WriteClientsStructs(IUpdateEncoder encoder, List<(uint Client, int Clock)> from)
    {
        if (from.Count > 1) from.Sort((a, b) => b.Client.CompareTo(a.Client));
        encoder.Rest.WriteVarUInt((ulong)from.Count);
        foreach (var (client, startClock) in from)
        {
            var structs = Store.Clients[client];
            var clock = Math.Max(startClock, structs[0].Id.Clock);
            var start = StructStore.FindIndex(structs, clock);
            encoder.Rest.WriteVarUInt((ulong)(structs.Count - start));
            encoder.WriteClient(client);
            encoder.Rest.WriteVarUInt((ulong)clock);
            structs[start].Write(encoder, clock - structs[start].Id.Clock);
            for (var i = start + 1; i < structs.Count; i++) structs[i].Write(encoder, 0);
        }
    }
}
