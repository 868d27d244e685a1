using System.Collections.Immutable;

namespace PeerCode.Domain.Interviews;

public enum InterviewStatus { None, Scheduled, InProgress, Ended, Cancelled }

/// <summary>An interview as its stream tells it. Folded with <see cref="Evolve"/>; also what the interview queries show.</summary>
public sealed record InterviewState(
    InterviewStatus Status,
    InterviewScheduled? Scheduled,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason,
    ImmutableDictionary<Guid, ScorecardSubmitted> Scorecards)
{
    public static readonly InterviewState Initial = new(InterviewStatus.None, null, null, null, null, null, ImmutableDictionary<Guid, ScorecardSubmitted>.Empty);

    public bool Exists => Status != InterviewStatus.None;

    public IReadOnlyList<Guid> InterviewerIds => Scheduled?.InterviewerIds ?? [];

    public static InterviewState Evolve(InterviewState state, IInterviewEvent e) => e switch
    {
        InterviewScheduled s => state with { Status = InterviewStatus.Scheduled, Scheduled = s },
        InterviewStarted s => state with { Status = InterviewStatus.InProgress, StartedAt = s.At },
        InterviewEnded s => state with { Status = InterviewStatus.Ended, EndedAt = s.At },
        InterviewCancelled c => state with { Status = InterviewStatus.Cancelled, CancelledAt = c.At, CancelReason = c.Reason },
        ScorecardSubmitted c => state with { Scorecards = state.Scorecards.SetItem(c.InterviewerId, c) },
        _ => state,
    };

    public static InterviewState Fold(IEnumerable<IInterviewEvent> events) => events.Aggregate(Initial, Evolve);
}
