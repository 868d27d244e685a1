using PeerCode.Application.EventSourcing;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Rooms;

/// <summary>
/// Creates a room: a new stream whose first event holds the hashes of the three role links' tokens, followed in the same
/// append by the interviewers assigned to it and, when the links expire, the candidate and observer links' expiry.
/// </summary>
public sealed class CreateRoomHandler(IEventStore store, TimeProvider clock, NodeIdentity node)
{
    public sealed record Created(Guid RoomId, RoomLinks.Tokens Tokens, DateTimeOffset? LinksExpireAt);

    /// <summary>Who interviews in the new room (account ids) and when its candidate and observer links stop working (null: never).</summary>
    public sealed record Setup(IReadOnlyList<Guid> Interviewers, DateTimeOffset? LinksExpireAt = null, Guid? RoomId = null);

    public Task<(Created? Room, RoomError? Error)> HandleAsync(string title, string language, CancellationToken ct) =>
        HandleAsync(title, language, null, ct);

    public async Task<(Created? Room, RoomError? Error)> HandleAsync(string title, string language, Setup? setup, CancellationToken ct)
    {
        var roomId = setup?.RoomId ?? Guid.NewGuid();
        var tokens = RoomLinks.NewTokens();
        var at = clock.GetUtcNow();
        var commands = new List<IRoomCommand> { new CreateRoom(roomId, title ?? "", language ?? "", tokens.Hashes, at) };
        if (setup is not null)
        {
            commands.Add(new AssignInterviewers(setup.Interviewers, at));
            if (setup.LinksExpireAt is { } expires)
            {
                commands.Add(new IssueLink(ParticipantRole.Candidate, tokens.Hashes.Candidate, expires, at));
                commands.Add(new IssueLink(ParticipantRole.Observer, tokens.Hashes.Observer, expires, at));
            }
        }
        var (decision, _) = await StreamDecider.DecideAsync<RoomState, IRoomEvent, RoomDecision>(
            store, RoomEventTypes.StreamOf(roomId), RoomState.Initial, RoomState.Evolve, RoomEventCodec.Decode,
            state => DecideAll(commands, state),
            d => d.Events.Select(e => RoomEventCodec.Encode(e, node.Metadata())).ToList(), ct);
        return decision.Refused ? (null, decision.Error) : (new Created(roomId, tokens, setup?.LinksExpireAt), null);
    }

    /// <summary>Decides the commands in order, each against the state the previous ones' events produce; the first refusal refuses all.</summary>
    private static RoomDecision DecideAll(IReadOnlyList<IRoomCommand> commands, RoomState state)
    {
        var events = new List<IRoomEvent>();
        foreach (var command in commands)
        {
            var d = RoomRules.Decide(command, state);
            if (d.Refused) return d;
            events.AddRange(d.Events);
            state = d.Events.Aggregate(state, RoomState.Evolve);
        }
        return new RoomDecision(events, null);
    }
}

/// <summary>Names this server process in the metadata of every event it appends, so the fan-out can skip its own.</summary>
public sealed class NodeIdentity(string nodeId)
{
    public string NodeId { get; } = nodeId;

    public EventMetadata Metadata(string? userId = null) => new(UserId: userId, NodeId: NodeId);
}
