using System.Collections.Immutable;

namespace PeerCode.Domain.Rooms;

/// <summary>The accounts (ids) who interview in this room: a signed-in one of them may use the interviewer link, or no link at all.</summary>
public sealed record InterviewersAssigned(IReadOnlyList<Guid> AccountIds, DateTimeOffset At) : IRoomEvent
{
    public bool Equals(InterviewersAssigned? other) => other is not null && AccountIds.SequenceEqual(other.AccountIds) && At == other.At;
    public override int GetHashCode() => HashCode.Combine(AccountIds.Count, At);
}

/// <summary>
/// The link of <paramref name="Role"/> is now the token hashed as <paramref name="TokenHash"/>, valid until <paramref name="ExpiresAt"/>
/// (null: no expiry). A different hash replaces the role's previous link, which then opens nothing ("link-revoked").
/// </summary>
public sealed record LinkIssued(ParticipantRole Role, string TokenHash, DateTimeOffset? ExpiresAt, DateTimeOffset At) : IRoomEvent;

/// <summary>The role's link (the token hashed as <paramref name="TokenHash"/>) opens nothing any more; a reissue gives a fresh one.</summary>
public sealed record LinkRevoked(ParticipantRole Role, string TokenHash, DateTimeOffset At) : IRoomEvent;

public sealed record AssignInterviewers(IReadOnlyList<Guid> AccountIds, DateTimeOffset At) : IRoomCommand;

/// <summary>Sets the role's link to a (new) token hash and expiry. Only candidate and observer links are issued this way.</summary>
public sealed record IssueLink(ParticipantRole Role, string TokenHash, DateTimeOffset? ExpiresAt, DateTimeOffset At) : IRoomCommand;

public sealed record RevokeLink(ParticipantRole Role, DateTimeOffset At) : IRoomCommand;

/// <summary>One role's current link.</summary>
public sealed record RoomLink(string TokenHash, DateTimeOffset? ExpiresAt, bool Revoked);

/// <summary>Who is asking, as far as the room cares: the signed-in account (null when anonymous) and whether it is an admin.</summary>
public sealed record RoomCaller(Guid? AccountId, bool IsAdmin)
{
    public static readonly RoomCaller Anonymous = new(null, false);
}

/// <summary>
/// The one answer to "what may this caller be in this room": the hub's JoinRoom, the runs REST API and replay all ask
/// <see cref="Resolve"/>, so a link that is refused in one place is refused everywhere with the same typed error.
/// </summary>
public static class RoomAccess
{
    public const int MaxInterviewers = 20;

    /// <summary>The furthest a link's expiry may lie ahead.</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(366);

    public static RoomError SignInRequired => new("sign-in-required",
        "The interviewer link only works for a signed-in interviewer of this interview. Sign in, then open the link again.");
    public static RoomError NotAnInterviewer => new("not-an-interviewer",
        "You are signed in, but not as an interviewer of this interview. Ask whoever scheduled it to add you, or use a candidate or observer link.");
    public static RoomError LinkRevoked => new("link-revoked",
        "This link was revoked or replaced by a newer one. Ask the interviewer for a fresh link.");
    public static RoomError LinkExpired => new("link-expired",
        "This link has expired. Ask the interviewer to reissue it.");
    public static RoomError TokenRequired => new("token-required",
        "Open the room with its link (the token after '#'), or sign in as an interviewer of this interview.");

    /// <summary>
    /// The role <paramref name="caller"/> gets with the link token hashed as <paramref name="tokenHash"/> (null or empty: no link)
    /// at <paramref name="now"/>, or why not. Rules:
    /// the interviewer link needs a signed-in interviewer assigned to the room (or an admin) once the room has an assignment
    /// (rooms created before assignments existed keep their interviewer link as it was);
    /// candidate and observer links work until revoked, replaced or expired;
    /// without a link, a signed-in assigned interviewer (or an admin) is the interviewer.
    /// </summary>
    public static (ParticipantRole? Role, RoomError? Error) Resolve(RoomState state, string? tokenHash, RoomCaller caller, DateTimeOffset now)
    {
        if (!state.Exists) return (null, RoomError.NotFound);
        if (string.IsNullOrEmpty(tokenHash))
            return caller.AccountId is null ? (null, TokenRequired)
                : IsInterviewer(state, caller) ? (ParticipantRole.Interviewer, null)
                : (null, NotAnInterviewer);

        foreach (var (role, link) in state.Links)
        {
            if (!Same(tokenHash, link.TokenHash)) continue;
            if (link.Revoked) return (null, LinkRevoked);
            if (link.ExpiresAt is { } expires && now >= expires) return (null, LinkExpired);
            if (role != ParticipantRole.Interviewer || state.Interviewers is null) return (role, null);
            return caller.AccountId is null ? (null, SignInRequired)
                : IsInterviewer(state, caller) ? (role, null)
                : (null, NotAnInterviewer);
        }
        if (state.RetiredTokenHashes.Any(h => Same(tokenHash, h))) return (null, LinkRevoked);
        return (null, RoomError.InvalidToken);
    }

    /// <summary>An admin, or an account assigned to the room.</summary>
    public static bool IsInterviewer(RoomState state, RoomCaller caller) =>
        caller.IsAdmin || (caller.AccountId is { } id && state.Interviewers is { } assigned && assigned.Contains(id));

    public static RoomDecision Decide(AssignInterviewers c, RoomState state)
    {
        var ids = c.AccountIds.Distinct().ToList();
        if (ids.Count == 0 || ids.Contains(Guid.Empty))
            return RoomDecision.Refuse(new("no-interviewers", "A room needs at least one interviewer account id (a non-empty GUID)."));
        if (ids.Count > MaxInterviewers)
            return RoomDecision.Refuse(new("too-many-interviewers", $"A room takes at most {MaxInterviewers} interviewers; {ids.Count} were given."));
        return RoomDecision.Accept(new InterviewersAssigned(ids, c.At));
    }

    public static RoomDecision Decide(IssueLink c, RoomState state)
    {
        if (c.Role == ParticipantRole.Interviewer) return RoomDecision.Refuse(InterviewerLinkFixed);
        if (c.ExpiresAt is { } expires && expires <= c.At)
            return RoomDecision.Refuse(new("expiry-in-past", $"A link's expiry must be in the future; {expires:O} is not after {c.At:O}."));
        if (c.ExpiresAt is { } far && far > c.At + MaxLinkLifetime)
            return RoomDecision.Refuse(new("expiry-too-far", $"A link may be valid for at most {MaxLinkLifetime.TotalDays:0} days; pick an earlier expiry."));
        if (string.IsNullOrEmpty(c.TokenHash) || state.Links.Values.Any(l => Same(c.TokenHash, l.TokenHash) && l.Revoked)
            || state.RetiredTokenHashes.Any(h => Same(c.TokenHash, h)))
            return RoomDecision.Refuse(new("token-reused", "A reissued link needs a fresh token; a revoked or replaced one never opens the room again."));
        return RoomDecision.Accept(new LinkIssued(c.Role, c.TokenHash, c.ExpiresAt, c.At));
    }

    public static RoomDecision Decide(RevokeLink c, RoomState state)
    {
        if (c.Role == ParticipantRole.Interviewer) return RoomDecision.Refuse(InterviewerLinkFixed);
        if (!state.Links.TryGetValue(c.Role, out var link)) return RoomDecision.Refuse(RoomError.NotFound);
        return link.Revoked ? RoomDecision.Accept() : RoomDecision.Accept(new LinkRevoked(c.Role, link.TokenHash, c.At));
    }

    private static RoomError InterviewerLinkFixed => new("interviewer-link-fixed",
        "The interviewer link is guarded by sign-in and is not revoked or reissued; revoke or reissue the candidate or observer link.");

    /// <summary>The role links as RoomCreated gives them (no expiry).</summary>
    internal static ImmutableDictionary<ParticipantRole, RoomLink> LinksOf(RoomTokenHashes hashes) => ImmutableDictionary<ParticipantRole, RoomLink>.Empty
        .Add(ParticipantRole.Interviewer, new(hashes.Interviewer, null, false))
        .Add(ParticipantRole.Candidate, new(hashes.Candidate, null, false))
        .Add(ParticipantRole.Observer, new(hashes.Observer, null, false));

    /// <summary>
    /// Constant-time comparison of two token hashes, on their UTF-16 code units as they are: every act of every
    /// connection checks its link again, so this must not allocate.
    /// </summary>
    internal static bool Same(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));
}
