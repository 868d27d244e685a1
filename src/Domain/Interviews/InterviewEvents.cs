namespace PeerCode.Domain.Interviews;

/// <summary>Every event of an interview stream (`interview-{id}`). Stored shapes never change: a new shape is a new version.</summary>
public interface IInterviewEvent
{
    Guid InterviewId { get; }
    DateTimeOffset At { get; }
}

/// <summary>
/// The interview is planned into room <paramref name="RoomId"/> (created in the same request). A superset of the shape the
/// read side reserved ({interviewId, roomId, title, questionId?, scheduledFor?, at}).
/// </summary>
public sealed record InterviewScheduled(
    Guid InterviewId, Guid RoomId, string Title, Guid? QuestionId, DateTimeOffset? ScheduledFor,
    string CandidateName, string CandidateEmail, IReadOnlyList<Guid> InterviewerIds, string Language, Guid ScheduledBy,
    DateTimeOffset At) : IInterviewEvent
{
    public bool Equals(InterviewScheduled? o) =>
        o is not null && InterviewId == o.InterviewId && RoomId == o.RoomId && Title == o.Title && QuestionId == o.QuestionId
        && ScheduledFor == o.ScheduledFor && CandidateName == o.CandidateName && CandidateEmail == o.CandidateEmail
        && InterviewerIds.SequenceEqual(o.InterviewerIds) && Language == o.Language && ScheduledBy == o.ScheduledBy && At == o.At;

    public override int GetHashCode() => HashCode.Combine(InterviewId, RoomId, Title, At);
}

public sealed record InterviewStarted(Guid InterviewId, Guid StartedBy, DateTimeOffset At) : IInterviewEvent;

public sealed record InterviewEnded(Guid InterviewId, Guid EndedBy, DateTimeOffset At) : IInterviewEvent;

public sealed record InterviewCancelled(Guid InterviewId, string? Reason, Guid CancelledBy, DateTimeOffset At) : IInterviewEvent;

/// <summary>One competency and its rating on the 1 to 4 scale (1 poor, 2 mixed, 3 good, 4 excellent; no neutral middle).</summary>
public sealed record CompetencyRating(string Competency, int Rating);

/// <summary>
/// Interviewer <paramref name="InterviewerId"/>'s scorecard. A later one from the same interviewer replaces it.
/// <paramref name="Recommendation"/> is one of <see cref="Scorecards.Recommendations"/>.
/// </summary>
public sealed record ScorecardSubmitted(
    Guid InterviewId, Guid InterviewerId, IReadOnlyList<CompetencyRating> Ratings, string Recommendation, string Text, DateTimeOffset At)
    : IInterviewEvent
{
    public bool Equals(ScorecardSubmitted? o) =>
        o is not null && InterviewId == o.InterviewId && InterviewerId == o.InterviewerId && Ratings.SequenceEqual(o.Ratings)
        && Recommendation == o.Recommendation && Text == o.Text && At == o.At;

    public override int GetHashCode() => HashCode.Combine(InterviewId, InterviewerId, At);
}

/// <summary>The stable wire names (the event store's type column). Never rename one.</summary>
public static class InterviewEventTypes
{
    public const string StreamPrefix = "interview-";

    public static string StreamOf(Guid interviewId) => StreamPrefix + interviewId.ToString("N");

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        ["interview.scheduled.v1"] = typeof(InterviewScheduled),
        ["interview.started.v1"] = typeof(InterviewStarted),
        ["interview.ended.v1"] = typeof(InterviewEnded),
        ["interview.cancelled.v1"] = typeof(InterviewCancelled),
        ["interview.scorecard-submitted.v1"] = typeof(ScorecardSubmitted),
    };

    public static readonly IReadOnlyDictionary<Type, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(IInterviewEvent e) => ByType[e.GetType()];
}
