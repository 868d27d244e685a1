using PeerCode.Domain.Interviews;

namespace PeerCode.Web.Interviews;

public sealed record InterviewView(
    Guid InterviewId, Guid RoomId, string Title, string Status, DateTimeOffset? ScheduledFor, string CandidateName, string CandidateEmail,
    IReadOnlyList<Guid> InterviewerIds, string Language, Guid? QuestionId, Guid ScheduledBy, DateTimeOffset ScheduledAt,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? CancelledAt, string? CancelReason, int ScorecardCount, string RoomUrl);

public sealed record InterviewLinksView(string Interviewer, string Candidate, string Observer);

public sealed record ScheduledInterviewView(Guid InterviewId, Guid RoomId, string Status, InterviewLinksView Links, DateTimeOffset LinksExpireAt, InterviewView Interview);

public sealed record IssuedLinkView(string Role, string Link, DateTimeOffset? ExpiresAt);

public sealed record RevokedLinkView(string Role, bool Revoked);

public sealed record ScorecardView(Guid InterviewerId, IReadOnlyList<CompetencyRating> Ratings, string Recommendation, string Text, DateTimeOffset At);

public static class InterviewViews
{
    public static string StatusName(InterviewStatus status) => status switch
    {
        InterviewStatus.Scheduled => "scheduled",
        InterviewStatus.InProgress => "in-progress",
        InterviewStatus.Ended => "ended",
        InterviewStatus.Cancelled => "cancelled",
        _ => "none",
    };

    public static InterviewStatus? ParseStatus(string? status) => status switch
    {
        "scheduled" => InterviewStatus.Scheduled,
        "in-progress" => InterviewStatus.InProgress,
        "ended" => InterviewStatus.Ended,
        "cancelled" => InterviewStatus.Cancelled,
        _ => null,
    };

    public static InterviewView Of(InterviewState s)
    {
        var d = s.Scheduled!;
        return new InterviewView(d.InterviewId, d.RoomId, d.Title, StatusName(s.Status), d.ScheduledFor, d.CandidateName, d.CandidateEmail,
            d.InterviewerIds, d.Language, d.QuestionId, d.ScheduledBy, d.At, s.StartedAt, s.EndedAt, s.CancelledAt, s.CancelReason, s.Scorecards.Count,
            $"/r/{d.RoomId:N}");
    }

    public static ScorecardView Of(ScorecardSubmitted c) => new(c.InterviewerId, c.Ratings, c.Recommendation, c.Text, c.At);
}
