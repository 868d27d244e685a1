using PeerCode.Application.EventStore;
using PeerCode.Domain.Interviews;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Interviews;

/// <summary>
/// Start, end and cancel, by an interviewer of the interview or an admin. Cancelling also revokes the room's candidate
/// and observer links, so nobody is let into a cancelled interview.
/// </summary>
public sealed class ChangeInterviewStatusHandler(IEventStore store, InterviewLinksHandler links, TimeProvider clock)
{
    public async Task<InterviewOutcome<InterviewState>> StartAsync(Guid interviewId, InterviewActor actor, CancellationToken ct) =>
        Outcome(await InterviewStream.DecideAsync(store, interviewId, actor, new StartInterview(actor.AccountId, clock.GetUtcNow()), ct));

    public async Task<InterviewOutcome<InterviewState>> EndAsync(Guid interviewId, InterviewActor actor, CancellationToken ct) =>
        Outcome(await InterviewStream.DecideAsync(store, interviewId, actor, new EndInterview(actor.AccountId, clock.GetUtcNow()), ct));

    public async Task<InterviewOutcome<InterviewState>> CancelAsync(Guid interviewId, string? reason, InterviewActor actor, CancellationToken ct)
    {
        var (state, error) = await InterviewStream.DecideAsync(store, interviewId, actor, new CancelInterview(reason, actor.AccountId, clock.GetUtcNow()), ct);
        if (error is not null) return InterviewOutcome<InterviewState>.Refused(error);
        foreach (var role in new[] { ParticipantRole.Candidate, ParticipantRole.Observer })
            await links.RevokeInRoomAsync(state!.Scheduled!.RoomId, role, actor, ct);
        return InterviewOutcome<InterviewState>.Ok(state!);
    }

    private static InterviewOutcome<InterviewState> Outcome((InterviewState? State, InterviewError? Error) result) =>
        result.Error is { } e ? InterviewOutcome<InterviewState>.Refused(e) : InterviewOutcome<InterviewState>.Ok(result.State!);
}
