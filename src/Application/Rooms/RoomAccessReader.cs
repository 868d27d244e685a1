using PeerCode.Application.EventStore;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Rooms;

/// <summary>
/// The part of a room's state that decides who may open it (RoomCreated, interviewer assignment, link issues and
/// revocations), read from its stream for callers without a loaded room: the runs and replay REST endpoints. Only those
/// events are decoded; edits and runs are skipped by their type name.
/// </summary>
public static class RoomAccessReader
{
    private static readonly HashSet<string> AccessTypes = RoomEventTypes.ByType
        .Where(p => p.Key == typeof(RoomCreated) || p.Key == typeof(InterviewersAssigned) || p.Key == typeof(LinkIssued) || p.Key == typeof(LinkRevoked))
        .Select(p => p.Value).ToHashSet();

    /// <summary>The room's access state; <see cref="RoomState.Exists"/> is false when there is no such room.</summary>
    public static async Task<RoomState> LoadAsync(IEventStore store, Guid roomId, CancellationToken ct)
    {
        var state = RoomState.Initial;
        await foreach (var r in store.ReadStreamAsync(RoomEventTypes.StreamOf(roomId), StreamPosition.Start, Direction.Forwards, int.MaxValue, ct))
        {
            if (r.Revision == 0 && r.Type != RoomEventTypes.ByType[typeof(RoomCreated)]) break; // not a room stream
            if (AccessTypes.Contains(r.Type) && RoomEventCodec.Decode(r) is { } e) state = RoomState.Evolve(state, e);
        }
        return state;
    }

    /// <summary><see cref="RoomAccess.Resolve"/> for a link token as sent (not hashed; null or empty: none).</summary>
    public static async Task<(RoomState State, ParticipantRole? Role, RoomError? Error)> ResolveAsync(
        IEventStore store, Guid roomId, string? token, RoomCaller caller, DateTimeOffset now, CancellationToken ct)
    {
        var state = await LoadAsync(store, roomId, ct);
        var (role, error) = RoomAccess.Resolve(state, string.IsNullOrEmpty(token) ? null : RoomLinks.Hash(token), caller, now);
        return (state, role, error);
    }
}
