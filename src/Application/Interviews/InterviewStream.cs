using PeerCode.Application.EventSourcing;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>Either a use case's answer or the reason it was refused (nothing was appended then).</summary>
public sealed record InterviewOutcome<T>(T? Value, InterviewError? Error) where T : class
{
    public static InterviewOutcome<T> Ok(T value) => new(value, null);
    public static InterviewOutcome<T> Refused(InterviewError error) => new(null, error);
}

/// <summary>Load, check access, decide and append on one interview stream (expecting the revision it read).</summary>
public static class InterviewStream
{
    public static Task<StreamDecider.Loaded<InterviewState>> LoadAsync(IEventStore store, Guid interviewId, CancellationToken ct) =>
        StreamDecider.LoadAsync<InterviewState, IInterviewEvent>(store, InterviewEventTypes.StreamOf(interviewId), InterviewState.Initial,
            InterviewState.Evolve, InterviewEventCodec.Decode, ct);

    /// <summary>
    /// Decides <paramref name="command"/> for <paramref name="actor"/>, who must be an interviewer of the interview or an admin.
    /// Returns the state after the decision's events, or the refusal.
    /// </summary>
    public static async Task<(InterviewState? State, InterviewError? Error)> DecideAsync(
        IEventStore store, Guid interviewId, InterviewActor actor, IInterviewCommand command, CancellationToken ct)
    {
        var before = InterviewState.Initial;
        var (decision, _) = await StreamDecider.DecideAsync<InterviewState, IInterviewEvent, InterviewDecision>(
            store, InterviewEventTypes.StreamOf(interviewId), InterviewState.Initial, InterviewState.Evolve, InterviewEventCodec.Decode,
            state =>
            {
                before = state;
                return state.Exists && !InterviewAccess.MayAccess(state, actor)
                    ? InterviewDecision.Refuse(InterviewAccess.Forbidden)
                    : InterviewRules.Decide(command, state);
            },
            d => d.Events.Select(e => InterviewEventCodec.Encode(e, Metadata(actor))).ToList(), ct);
        return decision.Error is { } error ? (null, error) : (decision.Events.Aggregate(before, InterviewState.Evolve), null);
    }

    public static EventMetadata Metadata(InterviewActor actor) => new(UserId: actor.AccountId.ToString("D"));
}
