using PeerCode.Application.EventStore;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>
/// The interview queries. One interview (and its scorecards) is read from its own stream, so a caller sees its own writes at
/// once. Lists come from an in-memory index of every interview stream, caught up from the store's global order on each query
/// (only the events since the last query are read), so it is shared-nothing across nodes and needs no projection lag to
/// settle. Its cost is memory per interview; a hiring team's history fits, a SQL read model would replace it past that.
/// </summary>
public sealed class InterviewDirectory(IEventStore store)
{
    public sealed record Filter(InterviewStatus? Status, DateTimeOffset? From, DateTimeOffset? To);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, InterviewState> _interviews = [];
    private readonly Dictionary<Guid, Guid> _interviewOfRoom = [];
    private long _position = -1;

    public async Task<InterviewOutcome<InterviewState>> GetAsync(Guid interviewId, InterviewActor actor, CancellationToken ct)
    {
        var state = (await InterviewStream.LoadAsync(store, interviewId, ct)).State;
        if (!state.Exists) return InterviewOutcome<InterviewState>.Refused(InterviewError.NotFound);
        return InterviewAccess.MayAccess(state, actor) ? InterviewOutcome<InterviewState>.Ok(state) : InterviewOutcome<InterviewState>.Refused(InterviewAccess.Forbidden);
    }

    /// <summary>
    /// Interviews <paramref name="actor"/> interviews in (an admin: all), planned (else scheduled) between From and To,
    /// in the given status; soonest first.
    /// </summary>
    public async Task<IReadOnlyList<InterviewState>> ListAsync(InterviewActor actor, Filter filter, CancellationToken ct)
    {
        var all = await SnapshotAsync(ct);
        return all
            .Where(i => InterviewAccess.MayAccess(i, actor))
            .Where(i => filter.Status is not { } status || i.Status == status)
            .Where(i => filter.From is not { } from || When(i) >= from)
            .Where(i => filter.To is not { } to || When(i) < to)
            .OrderBy(When).ThenBy(i => i.Scheduled!.InterviewId)
            .ToList();
    }

    /// <summary>The interview scheduled into <paramref name="roomId"/>, if any (for the summary export's scorecards).</summary>
    public async Task<InterviewState?> ForRoomAsync(Guid roomId, CancellationToken ct)
    {
        await CatchUpAsync(ct);
        Guid interviewId;
        await _gate.WaitAsync(ct);
        try
        {
            if (!_interviewOfRoom.TryGetValue(roomId, out interviewId)) return null;
        }
        finally { _gate.Release(); }
        return (await InterviewStream.LoadAsync(store, interviewId, ct)).State;
    }

    private static DateTimeOffset When(InterviewState i) => i.Scheduled!.ScheduledFor ?? i.Scheduled.At;

    private async Task<IReadOnlyList<InterviewState>> SnapshotAsync(CancellationToken ct)
    {
        await CatchUpAsync(ct);
        await _gate.WaitAsync(ct);
        try { return _interviews.Values.ToList(); }
        finally { _gate.Release(); }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            const int page = 1000;
            var filter = EventFilter.StreamPrefix(InterviewEventTypes.StreamPrefix);
            while (true)
            {
                var count = 0;
                await foreach (var r in store.ReadAllAsync(_position + 1, Direction.Forwards, page, filter, ct))
                {
                    count++;
                    _position = r.GlobalPosition;
                    if (InterviewEventCodec.Decode(r) is not { } e) continue;
                    var state = InterviewState.Evolve(_interviews.GetValueOrDefault(e.InterviewId, InterviewState.Initial), e);
                    if (!state.Exists) continue; // an event of an interview whose scheduling this store does not hold
                    _interviews[e.InterviewId] = state;
                    if (e is InterviewScheduled s) _interviewOfRoom[s.RoomId] = s.InterviewId;
                }
                if (count < page) return;
            }
        }
        finally { _gate.Release(); }
    }
}
