using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// The rooms this process holds in memory: loaded on first use (latest snapshot plus the updates after it), kept while
/// connections hold them, dropped after <see cref="RoomOptions.UnloadAfter"/> without any, so memory follows the
/// active rooms rather than all rooms ever opened.
/// </summary>
public sealed class RoomRegistry(IEventStore store, IOptions<RoomOptions> options, TimeProvider clock, NodeIdentity node, ILogger<RoomRegistry> log)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<LiveRoom?>>> _rooms = new();
    private readonly Lock _sync = new();

    private static readonly string AwarenessType = RoomEventTypes.ByType[typeof(AwarenessUpdated)];
    private static readonly string DocumentUpdatedType = RoomEventTypes.ByType[typeof(DocumentUpdated)];

    public int LoadedCount => _rooms.Count;

    /// <summary>The loaded room, if this process has it (the fan-out only touches loaded rooms).</summary>
    public LiveRoom? Loaded(Guid roomId) =>
        _rooms.TryGetValue(roomId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    public IEnumerable<LiveRoom> LoadedRooms() => _rooms.Keys.Select(Loaded).OfType<LiveRoom>();

    /// <summary>Loads (if needed) and holds the room for one connection; null when the room does not exist.</summary>
    public async Task<LiveRoom?> AcquireAsync(Guid roomId, CancellationToken ct)
    {
        while (true)
        {
            var lazy = _rooms.GetOrAdd(roomId, id => new Lazy<Task<LiveRoom?>>(() => LoadAsync(id, CancellationToken.None)));
            LiveRoom? room;
            try { room = await lazy.Value.WaitAsync(ct); }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                _rooms.TryRemove(new(roomId, lazy));
                throw;
            }
            if (room is null)
            {
                _rooms.TryRemove(new(roomId, lazy));
                return null;
            }
            lock (_sync)
            {
                if (room.Unloaded) continue;
                room.Connections++;
            }
            // Events appended between the load's read and the room becoming visible to the fan-out are read here.
            await room.CatchUpAsync(store, node.NodeId, ct);
            return room;
        }
    }

    public void Release(LiveRoom room)
    {
        lock (_sync)
        {
            room.Connections--;
            room.LastReleased = clock.GetUtcNow();
        }
    }

    /// <summary>Rooms without connections for longer than the unload delay; each is marked unloaded and removed.</summary>
    public IReadOnlyList<LiveRoom> TakeIdle()
    {
        var now = clock.GetUtcNow();
        var idle = new List<LiveRoom>();
        foreach (var (id, lazy) in _rooms)
        {
            if (Loaded(id) is not { } room) continue;
            lock (_sync)
            {
                if (room.Connections > 0 || now - room.LastReleased < options.Value.UnloadAfter) continue;
                room.Unloaded = true;
            }
            _rooms.TryRemove(new(id, lazy));
            idle.Add(room);
        }
        return idle;
    }

    private async Task<LiveRoom?> LoadAsync(Guid roomId, CancellationToken ct)
    {
        var stream = RoomEventTypes.StreamOf(roomId);
        var started = clock.GetTimestamp();

        // Where the document starts: the latest snapshot (searched backwards from the tail), or the empty document.
        DocumentSnapshotTaken? snapshot = null;
        await foreach (var r in store.ReadStreamAsync(stream, StreamPosition.End, Direction.Backwards, int.MaxValue, ct))
        {
            if (r.Type != RoomEventTypes.ByType[typeof(DocumentSnapshotTaken)]) continue;
            snapshot = (DocumentSnapshotTaken?)RoomEventCodec.Decode(r);
            break;
        }
        var document = snapshot is null ? RoomDocument.Empty() : RoomDocument.FromSnapshot(snapshot.State);
        var replayAfter = snapshot?.CoversRevision ?? -1;

        // The decision state folds the whole stream (small events; the document updates before the snapshot are only counted).
        var state = RoomState.Initial;
        var revision = -1L;
        var replayed = 0;
        await foreach (var r in store.ReadStreamAsync(stream, StreamPosition.Start, Direction.Forwards, int.MaxValue, ct))
        {
            revision = r.Revision;
            if (r.Type == AwarenessType || (r.Type == DocumentUpdatedType && r.Revision <= replayAfter)) continue; // no effect on state
            if (RoomEventCodec.Decode(r) is not { } e) continue;
            if (e is DocumentUpdated u && r.Revision > replayAfter)
            {
                document.Apply(RoomDocument.Check(u.Update));
                replayed++;
            }
            state = RoomState.Evolve(state, e);
        }
        if (!state.Exists) return null;
        log.LogInformation("Loaded room {RoomId} at revision {Revision} ({Replayed} updates replayed after the snapshot) in {Ms} ms",
            roomId, revision, replayed, clock.GetElapsedTime(started).TotalMilliseconds);
        return new LiveRoom(roomId, state, document, revision) { LastReleased = clock.GetUtcNow() };
    }
}
