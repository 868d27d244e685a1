using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>
/// Schedules an interview: checks the request first (nothing is written when it is refused), creates its room (one room
/// per interview) with its interviewers assigned and the candidate and observer links expiring, then appends
/// InterviewScheduled to the new `interview-{id}` stream. The two streams are not written atomically: if the second append
/// fails, an unused room remains and the caller gets the error.
/// </summary>
public sealed class ScheduleInterviewHandler(IEventStore store, CreateRoomHandler rooms, TimeProvider clock, InterviewSettings settings)
{
    public sealed record Request(
        string? Title, DateTimeOffset? ScheduledFor, string? CandidateName, string? CandidateEmail, IReadOnlyList<Guid>? InterviewerIds,
        Guid? QuestionId, string? Language);

    public sealed record Scheduled(InterviewState Interview, RoomLinks.Tokens Tokens, DateTimeOffset LinksExpireAt);

    public async Task<InterviewOutcome<Scheduled>> HandleAsync(Request request, InterviewActor actor, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var command = new ScheduleInterview(
            Guid.NewGuid(), Guid.NewGuid(), request.Title ?? "", request.QuestionId, request.ScheduledFor, request.CandidateName ?? "",
            request.CandidateEmail ?? "", request.InterviewerIds ?? [actor.AccountId], request.Language ?? "plaintext", actor.AccountId, at);
        var decision = InterviewRules.Decide(command, InterviewState.Initial);
        if (decision.Error is { } invalid) return InterviewOutcome<Scheduled>.Refused(invalid);
        var scheduled = (InterviewScheduled)decision.Events[0];

        var expires = settings.DefaultExpiry(scheduled.ScheduledFor, at);
        var (room, roomError) = await rooms.HandleAsync(scheduled.Title, scheduled.Language,
            new CreateRoomHandler.Setup(scheduled.InterviewerIds, expires, scheduled.RoomId), ct);
        if (roomError is not null) return InterviewOutcome<Scheduled>.Refused(new(roomError.Code, roomError.Message));

        await store.AppendAsync(InterviewEventTypes.StreamOf(scheduled.InterviewId), ExpectedRevision.NoStream,
            [InterviewEventCodec.Encode(scheduled, InterviewStream.Metadata(actor))], ct);

        // INTEGRATION(questions): the question is recorded only in interview.scheduled.v1 until the `questions` branch is on
        // main. Its use case (RoomQuestions.SelectAsync, in Infrastructure) is then called by the web endpoint right after
        // this handler succeeds (InterviewsApi.ScheduleAsync), see the note there.

        return InterviewOutcome<Scheduled>.Ok(new Scheduled(InterviewState.Evolve(InterviewState.Initial, scheduled), room!.Tokens, expires));
    }
}
