using PeerCode.Application.EventStore;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>The signed-in interviewer's own scorecard for an ended interview; submitting again replaces it.</summary>
public sealed class SubmitScorecardHandler(IEventStore store, TimeProvider clock)
{
    public sealed record Request(IReadOnlyList<CompetencyRating>? Ratings, string? Recommendation, string? Text);

    public async Task<InterviewOutcome<ScorecardSubmitted>> HandleAsync(Guid interviewId, Request request, InterviewActor actor, CancellationToken ct)
    {
        var command = new SubmitScorecard(actor.AccountId, request.Ratings ?? [], request.Recommendation ?? "", request.Text ?? "", clock.GetUtcNow());
        var (state, error) = await InterviewStream.DecideAsync(store, interviewId, actor, command, ct);
        return error is not null
            ? InterviewOutcome<ScorecardSubmitted>.Refused(error)
            : InterviewOutcome<ScorecardSubmitted>.Ok(state!.Scorecards[actor.AccountId]);
    }
}
