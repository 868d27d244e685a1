using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Interviews;

/// <summary>The signed-in account acting on interviews (the endpoints only let interviewers and admins through).</summary>
public sealed record InterviewActor(Guid AccountId, bool IsAdmin);

/// <summary>"An interviewer of this interview, or an admin": the check every interview use case makes after loading it.</summary>
public static class InterviewAccess
{
    public static InterviewError Forbidden => new("not-an-interviewer",
        "Only the interviewers of this interview (and admins) may see or change it. Ask whoever scheduled it to add you.");

    public static bool MayAccess(InterviewState state, InterviewActor actor) => actor.IsAdmin || state.InterviewerIds.Contains(actor.AccountId);
}

/// <summary>PeerCode:Interviews settings.</summary>
public sealed class InterviewSettings
{
    /// <summary>How long candidate and observer links stay valid after the planned start (or after now, when later). Default one day.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The default expiry of a link issued at <paramref name="now"/> for an interview planned for <paramref name="scheduledFor"/>.</summary>
    public DateTimeOffset DefaultExpiry(DateTimeOffset? scheduledFor, DateTimeOffset now) =>
        (scheduledFor is { } planned && planned > now ? planned : now) + LinkLifetime;
}
