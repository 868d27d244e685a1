using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Interviews;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Interviews;

/// <summary>
/// Revoke and reissue an interview's candidate or observer link (room events room.link-revoked.v1 / room.link-issued.v1;
/// only the new token's SHA-256 is stored, and the token itself is answered once). The room events are appended without a
/// node id, so every node, this one included, applies them to the room it has loaded: a revoked link stops opening the
/// room at once.
/// </summary>
public sealed class InterviewLinksHandler(IEventStore store, TimeProvider clock, InterviewSettings settings)
{
    public sealed record Issued(ParticipantRole Role, string Token, DateTimeOffset? ExpiresAt);

    public sealed record Revoked(ParticipantRole Role);

    public async Task<InterviewOutcome<Revoked>> RevokeAsync(Guid interviewId, string? role, InterviewActor actor, CancellationToken ct)
    {
        if (ParseRole(role) is not { } parsed) return InterviewOutcome<Revoked>.Refused(UnknownRole(role));
        var (state, error) = await LoadAsync(interviewId, actor, ct);
        if (error is not null) return InterviewOutcome<Revoked>.Refused(error);
        var roomError = await RevokeInRoomAsync(state!.Scheduled!.RoomId, parsed, actor, ct);
        return roomError is null ? InterviewOutcome<Revoked>.Ok(new Revoked(parsed)) : InterviewOutcome<Revoked>.Refused(roomError);
    }

    /// <summary>A fresh token for the role, valid until <paramref name="expiresAt"/> (default: the configured lifetime after the planned start or now).</summary>
    public async Task<InterviewOutcome<Issued>> ReissueAsync(Guid interviewId, string? role, DateTimeOffset? expiresAt, InterviewActor actor, CancellationToken ct)
    {
        if (ParseRole(role) is not { } parsed) return InterviewOutcome<Issued>.Refused(UnknownRole(role));
        var (state, error) = await LoadAsync(interviewId, actor, ct);
        if (error is not null) return InterviewOutcome<Issued>.Refused(error);
        var now = clock.GetUtcNow();
        var expires = expiresAt ?? settings.DefaultExpiry(state!.Scheduled!.ScheduledFor, now);
        var token = RoomLinks.NewToken();
        var roomError = await DecideInRoomAsync(state!.Scheduled!.RoomId, new IssueLink(parsed, RoomLinks.Hash(token), expires, now), actor, ct);
        return roomError is null ? InterviewOutcome<Issued>.Ok(new Issued(parsed, token, expires)) : InterviewOutcome<Issued>.Refused(roomError);
    }

    public Task<InterviewError?> RevokeInRoomAsync(Guid roomId, ParticipantRole role, InterviewActor actor, CancellationToken ct) =>
        DecideInRoomAsync(roomId, new RevokeLink(role, clock.GetUtcNow()), actor, ct);

    private async Task<InterviewError?> DecideInRoomAsync(Guid roomId, IRoomCommand command, InterviewActor actor, CancellationToken ct)
    {
        var room = await RoomAccessReader.LoadAsync(store, roomId, ct);
        var decision = RoomRules.Decide(command, room);
        if (decision.Error is { } e) return new InterviewError(e.Code, e.Message, e.Code is "expiry-in-past" or "expiry-too-far" ? "expiresAt" : null);
        if (decision.Events.Count == 0) return null;
        // Any revision: the room's own writers append with Any too, and two link changes racing both land in order.
        await store.AppendAsync(RoomEventTypes.StreamOf(roomId), ExpectedRevision.Any,
            decision.Events.Select(ev => RoomEventCodec.Encode(ev, new EventMetadata(UserId: actor.AccountId.ToString("D")))).ToList(), ct);
        return null;
    }

    private async Task<(InterviewState? State, InterviewError? Error)> LoadAsync(Guid interviewId, InterviewActor actor, CancellationToken ct)
    {
        var state = (await InterviewStream.LoadAsync(store, interviewId, ct)).State;
        if (!state.Exists) return (null, InterviewError.NotFound);
        return InterviewAccess.MayAccess(state, actor) ? (state, null) : (null, InterviewAccess.Forbidden);
    }

    private static ParticipantRole? ParseRole(string? role) => role switch
    {
        "candidate" => ParticipantRole.Candidate,
        "observer" => ParticipantRole.Observer,
        _ => null,
    };

    private static InterviewError UnknownRole(string? role) =>
        new("unknown-link-role", $"'{role}' is not a revocable link; use 'candidate' or 'observer' (the interviewer link is guarded by sign-in).", "role");
}
