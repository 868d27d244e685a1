using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// One loaded room: its decision state, its document and its awareness states, kept in step with the stream.
/// <see cref="KnownThrough"/> is the stream revision up to which every event has been applied; events reach the room
/// either from this process (applied right after their append) or through the subscription (<see cref="ApplyRecordedAsync"/>),
/// which fills any gap by reading the stream, so a snapshot never claims an update it lacks.
/// </summary>
public sealed class LiveRoom(Guid roomId, RoomState state, RoomDocument document, long knownThrough)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, AwarenessEntry> _awareness = [];
    private readonly Dictionary<long, string> _awarenessOwner = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _lastActive = new(); // read by Presence outside the gate
    private int _inFlight;

    public Guid RoomId { get; } = roomId;
    public string Stream { get; } = RoomEventTypes.StreamOf(roomId);
    public RoomState State { get; private set; } = state;
    public long KnownThrough { get; private set; } = knownThrough;

    /// <summary>Connections of this process in the room (guarded by the registry).</summary>
    internal int Connections;
    internal DateTimeOffset LastReleased;
    internal bool Unloaded;

    public async Task<T> WithGateAsync<T>(Func<RoomDocument, T> read)
    {
        await _gate.WaitAsync();
        try { return read(document); }
        finally { _gate.Release(); }
    }

    /// <summary>Marks the start of an append whose effects are not yet applied (snapshots wait for none to be pending).</summary>
    public void BeginAppend() => Interlocked.Increment(ref _inFlight);

    public void AbandonAppend() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Applies events this process appended (after the append succeeded).</summary>
    public async Task ApplyOwnAsync(IReadOnlyList<IRoomEvent> events, RoomDocument.CheckedUpdate? update, string? connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (update is not null) document.Apply(update);
            foreach (var e in events) Evolve(e, connectionId);
        }
        finally
        {
            _gate.Release();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// Applies an event read from the store (subscription or catch-up). Returns the events that are new to this room
    /// (several when a gap was filled), in stream order, for fan-out: other nodes' room events, and run events from any
    /// node (run events are appended by the run lifecycle, which sends them to nobody, so this is their only way out).
    /// Own room events are only counted, never re-applied.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ApplyRecordedAsync(RecordedEvent recorded, IEventStore store, string nodeId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (recorded.Revision <= KnownThrough) return [];
            var fresh = new List<RecordedEvent>();
            if (recorded.Revision > KnownThrough + 1)
                await foreach (var missed in store.ReadStreamAsync(Stream, KnownThrough + 1, Direction.Forwards, (int)(recorded.Revision - KnownThrough - 1), ct))
                    fresh.Add(missed);
            fresh.Add(recorded);
            var foreign = new List<RecordedEvent>();
            foreach (var r in fresh)
            {
                KnownThrough = r.Revision;
                if (RunEventTypes.Types.ContainsKey(r.Type))
                {
                    foreign.Add(r);
                    continue;
                }
                if (r.Metadata.NodeId == nodeId) continue;
                if (RoomEventCodec.Decode(r) is not { } e) continue;
                if (e is DocumentUpdated u) document.Apply(RoomDocument.Check(u.Update));
                Evolve(e, null);
                foreign.Add(r);
            }
            return foreign;
        }
        finally { _gate.Release(); }
    }

    public async Task CatchUpAsync(IEventStore store, string nodeId, CancellationToken ct)
    {
        var tail = -1L;
        await foreach (var r in store.ReadStreamAsync(Stream, StreamPosition.End, Direction.Backwards, 1, ct)) tail = r.Revision;
        if (tail <= KnownThrough) return;
        await foreach (var r in store.ReadStreamAsync(Stream, tail, Direction.Forwards, 1, ct))
            await ApplyRecordedAsync(r, store, nodeId, ct);
    }

    private void Evolve(IRoomEvent e, string? connectionId)
    {
        State = RoomState.Evolve(State, e);
        switch (e)
        {
            case AwarenessUpdated a:
                foreach (var entry in YjsMessages.DecodeAwareness(a.Entry))
                {
                    if (_awareness.TryGetValue(entry.ClientId, out var known) && known.Clock > entry.Clock) continue;
                    if (entry.Removed) { _awareness.Remove(entry.ClientId); _awarenessOwner.Remove(entry.ClientId); }
                    else
                    {
                        _awareness[entry.ClientId] = entry;
                        if (connectionId is not null) _awarenessOwner[entry.ClientId] = connectionId;
                    }
                }
                _lastActive[a.ParticipantId] = a.At;
                break;
            case DocumentUpdated u: _lastActive[u.ParticipantId] = u.At; break;
            case ChatMessagePosted c: _lastActive[c.ParticipantId] = c.At; break;
            case ParticipantJoined j: _lastActive[j.ParticipantId] = j.At; break;
        }
    }

    /// <summary>Whether <paramref name="connectionId"/> may speak for awareness client <paramref name="clientId"/> (another live connection owns it).</summary>
    public async Task<bool> MayUseClientIdAsync(long clientId, string connectionId) =>
        await WithGateAsync(_ => !_awarenessOwner.TryGetValue(clientId, out var owner) || owner == connectionId);

    public async Task<IReadOnlyList<AwarenessEntry>> AwarenessAsync() => await WithGateAsync(_ => _awareness.Values.ToList());

    /// <summary>Entries that mark every awareness client of <paramref name="connectionId"/> as gone (clock + 1, state null).</summary>
    public async Task<IReadOnlyList<AwarenessEntry>> RemovalsForAsync(string connectionId) => await WithGateAsync(_ =>
        _awarenessOwner.Where(p => p.Value == connectionId)
            .Select(p => new AwarenessEntry(p.Key, (_awareness.TryGetValue(p.Key, out var e) ? e.Clock : 0) + 1, "null"))
            .ToList());

    public IReadOnlyList<PresenceParticipant> Presence(DateTimeOffset now, TimeSpan idleAfter) =>
        State.Participants.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PresenceParticipant(
            p.ParticipantId, p.Name, RoomViews.RoleName(p.Role), p.Color, p.Online,
            p.Online && (!_lastActive.TryGetValue(p.ParticipantId, out var at) || now - at > idleAfter))).ToList();

    /// <summary>True when the presence (online and idle flags) differs from what this method saw last time.</summary>
    public bool PresenceChangedSinceLastCheck(IReadOnlyList<PresenceParticipant> presence)
    {
        var key = string.Join(';', presence.Select(p => $"{p.ParticipantId:N}{(p.Online ? 1 : 0)}{(p.Idle ? 1 : 0)}"));
        if (key == _presenceKey) return false;
        _presenceKey = key;
        return true;
    }

    private string? _presenceKey;

    /// <summary>A snapshot command when one is due and nothing of this process is in flight; null otherwise.</summary>
    public async Task<TakeSnapshot?> SnapshotIfDueAsync(int every, DateTimeOffset now, bool force = false)
    {
        if (Volatile.Read(ref _inFlight) > 0) return null;
        if (State.UpdatesSinceSnapshot < (force ? 1 : every)) return null;
        return await WithGateAsync(d => new TakeSnapshot(d.EncodeState(), d.EncodeStateVector(), KnownThrough, now));
    }
}
