using PeerCode.Application.EventSourcing;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Rooms;

/// <summary>Creates a room: a new stream whose first event holds the hashes of the three role links' tokens.</summary>
public sealed class CreateRoomHandler(IEventStore store, TimeProvider clock, NodeIdentity node)
{
    public sealed record Created(Guid RoomId, RoomLinks.Tokens Tokens);

    public async Task<(Created? Room, RoomError? Error)> HandleAsync(string title, string language, CancellationToken ct)
    {
        var roomId = Guid.NewGuid();
        var tokens = RoomLinks.NewTokens();
        var command = new CreateRoom(roomId, title ?? "", language ?? "", tokens.Hashes, clock.GetUtcNow());
        var (decision, _) = await StreamDecider.DecideAsync<RoomState, IRoomEvent, RoomDecision>(
            store, RoomEventTypes.StreamOf(roomId), RoomState.Initial, RoomState.Evolve, RoomEventCodec.Decode,
            state => RoomRules.Decide(command, state),
            d => d.Events.Select(e => RoomEventCodec.Encode(e, node.Metadata())).ToList(), ct);
        return decision.Refused ? (null, decision.Error) : (new Created(roomId, tokens), null);
    }
}

/// <summary>Names this server process in the metadata of every event it appends, so the fan-out can skip its own.</summary>
public sealed class NodeIdentity(string nodeId)
{
    public string NodeId { get; } = nodeId;

    public EventMetadata Metadata(string? userId = null) => new(UserId: userId, NodeId: NodeId);
}
