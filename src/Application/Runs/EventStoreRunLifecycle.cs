using System.Collections.Concurrent;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Runs;

namespace PeerCode.Application.Runs;

/// <summary>
/// The run lifecycle over the event store port: the runs state of each room is folded from the run events of its
/// stream (room-{id}) and kept, caught up incrementally before every decision; events are appended with the exact
/// expected revision, and a concurrent append by anyone else (an edit, another node) means catch up and decide again.
/// </summary>
public sealed class EventStoreRunLifecycle(IEventStore store, string nodeId) : IRunLifecycle
{
    private const int MaxAttempts = 10;
    private readonly ConcurrentDictionary<string, Room> _rooms = new();

    public static string StreamOf(string roomId) => "room-" + roomId;

    public async Task<RunRequested?> GetRequestAsync(string roomId, string runId, CancellationToken ct)
    {
        var room = _rooms.GetOrAdd(roomId, _ => new Room());
        await room.Gate.WaitAsync(ct);
        try
        {
            await CatchUpAsync(roomId, room, ct);
            return room.Requests.GetValueOrDefault(runId);
        }
        finally
        {
            room.Gate.Release();
        }
    }

    public async Task<RunDecision> HandleAsync(string roomId, RunCommand command, CancellationToken ct)
    {
        var room = _rooms.GetOrAdd(roomId, _ => new Room());
        await room.Gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await CatchUpAsync(roomId, room, ct);
                var decision = RunDecider.Decide(command, room.State);
                if (!decision.Accepted) return decision;
                var expected = room.Revision < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(room.Revision);
                var data = decision.Events.Select(e => new EventData(
                    Guid.NewGuid(), RunEventSerializer.TypeOf(e), RunEventSerializer.Serialize(e), new EventMetadata(NodeId: nodeId))).ToList();
                try
                {
                    var result = await store.AppendAsync(StreamOf(roomId), expected, data, ct);
                    foreach (var e in decision.Events) room.Apply(e);
                    room.Revision = result.NextExpectedRevision;
                    return decision;
                }
                catch (WrongExpectedRevisionException) when (attempt < MaxAttempts)
                {
                    // Someone else appended to the room meanwhile: catch up and decide again on the new state.
                }
            }
        }
        finally
        {
            room.Gate.Release();
        }
    }

    private async Task CatchUpAsync(string roomId, Room room, CancellationToken ct)
    {
        await foreach (var recorded in store.ReadStreamAsync(StreamOf(roomId), room.Revision + 1, Direction.Forwards, int.MaxValue, ct))
        {
            if (RunEventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } e) room.Apply(e);
            room.Revision = recorded.Revision;
        }
    }

    private sealed class Room
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public RoomRunsState State { get; private set; } = RoomRunsState.Initial;
        public Dictionary<string, RunRequested> Requests { get; } = new();
        public long Revision { get; set; } = -1;

        public void Apply(RunEvent e)
        {
            State = RoomRunsState.Evolve(State, e);
            if (e is RunRequested r) Requests[r.RunId] = r;
        }
    }
}
