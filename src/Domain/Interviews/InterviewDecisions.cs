using System.Text.RegularExpressions;
using PeerCode.Domain.Rooms;

namespace PeerCode.Domain.Interviews;

/// <summary>Something asked of an interview. Commands carry their time, new ids and the acting account.</summary>
public interface IInterviewCommand;

public sealed record ScheduleInterview(
    Guid InterviewId, Guid RoomId, string Title, Guid? QuestionId, DateTimeOffset? ScheduledFor,
    string CandidateName, string CandidateEmail, IReadOnlyList<Guid> InterviewerIds, string Language, Guid ScheduledBy,
    DateTimeOffset At) : IInterviewCommand;

public sealed record StartInterview(Guid By, DateTimeOffset At) : IInterviewCommand;

public sealed record EndInterview(Guid By, DateTimeOffset At) : IInterviewCommand;

public sealed record CancelInterview(string? Reason, Guid By, DateTimeOffset At) : IInterviewCommand;

public sealed record SubmitScorecard(Guid InterviewerId, IReadOnlyList<CompetencyRating> Ratings, string Recommendation, string Text, DateTimeOffset At)
    : IInterviewCommand;

/// <summary>
/// Why an interview refused a command: a stable <paramref name="Code"/>, a message a person can act on and, for bad input,
/// the <paramref name="Field"/> to fix (camelCase, as the API names it).
/// </summary>
public sealed record InterviewError(string Code, string Message, string? Field = null)
{
    public static InterviewError NotFound => new("interview-not-found", "There is no such interview. Check the id, or schedule one.");
    public bool IsValidation => Field is not null;
}

public sealed record InterviewDecision(IReadOnlyList<IInterviewEvent> Events, InterviewError? Error)
{
    public static InterviewDecision Accept(params IInterviewEvent[] events) => new(events, null);
    public static InterviewDecision Refuse(InterviewError error) => new([], error);
    public bool Refused => Error is not null;
}

/// <summary>
/// The interview's rules. Status: scheduled → in progress (start) → ended (end); scheduled or in progress → cancelled.
/// Scorecards are taken only once the interview has ended (not while it runs, not when cancelled), one per assigned
/// interviewer; a resubmission replaces the earlier one.
/// </summary>
public static partial class InterviewRules
{
    public const int MaxTitleLength = RoomRules.MaxTitleLength;
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxReasonLength = 500;
    public const int MaxCompetencies = 20;
    public const int MaxCompetencyLength = 60;
    public const int MaxScorecardText = 10_000;
    public const int MinRating = 1;
    public const int MaxRating = 4;

    /// <summary>How far in the past a planned start may lie (a form filled in a few minutes late is fine).</summary>
    public static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(10);

    public static readonly IReadOnlyList<string> Recommendations = ["strong-no", "no", "yes", "strong-yes"];

    public static InterviewDecision Decide(IInterviewCommand command, InterviewState state) => command switch
    {
        ScheduleInterview s => Schedule(s, state),
        _ when !state.Exists => InterviewDecision.Refuse(InterviewError.NotFound),
        StartInterview s => state.Status switch
        {
            InterviewStatus.Scheduled => InterviewDecision.Accept(new InterviewStarted(Id(state), s.By, s.At)),
            InterviewStatus.InProgress => Conflict("already-started", "The interview is already in progress."),
            _ => Finished(state),
        },
        EndInterview e => state.Status switch
        {
            InterviewStatus.InProgress => InterviewDecision.Accept(new InterviewEnded(Id(state), e.By, e.At)),
            InterviewStatus.Scheduled => Conflict("not-started", "The interview has not started; start it first, or cancel it."),
            _ => Finished(state),
        },
        CancelInterview c => Cancel(c, state),
        SubmitScorecard c => Scorecard(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Not an interview command."),
    };

    private static InterviewDecision Schedule(ScheduleInterview s, InterviewState state)
    {
        if (state.Exists) return Conflict("interview-exists", "An interview with this id already exists.");
        var title = (s.Title ?? "").Trim();
        if (title.Length is 0 or > MaxTitleLength) return Invalid("title", "invalid-title", $"A title needs 1 to {MaxTitleLength} characters.");
        var name = (s.CandidateName ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
            return Invalid("candidateName", "invalid-candidate-name", $"The candidate's name needs 1 to {MaxNameLength} printable characters.");
        var email = (s.CandidateEmail ?? "").Trim();
        if (email.Length > MaxEmailLength || !EmailShape().IsMatch(email))
            return Invalid("candidateEmail", "invalid-candidate-email", "The candidate's email must look like name@example.com.");
        var interviewers = (s.InterviewerIds ?? []).Distinct().ToList();
        if (interviewers.Count == 0 || interviewers.Contains(Guid.Empty))
            return Invalid("interviewerIds", "no-interviewers", "Name at least one interviewer (account ids); leave it out to interview yourself.");
        if (interviewers.Count > RoomAccess.MaxInterviewers)
            return Invalid("interviewerIds", "too-many-interviewers", $"At most {RoomAccess.MaxInterviewers} interviewers; {interviewers.Count} were given.");
        if (!RoomRules.Languages.Contains(s.Language ?? ""))
            return Invalid("language", "unknown-language", $"'{s.Language}' is not a supported language; use one of: {string.Join(", ", RoomRules.Languages.Order())}.");
        if (s.ScheduledFor is { } when && when < s.At - PastTolerance)
            return Invalid("scheduledFor", "scheduled-in-past", $"The planned start {when:O} is in the past; plan it for now or later.");
        if (s.QuestionId == Guid.Empty) return Invalid("questionId", "invalid-question-id", "questionId must be a question's id, or left out.");
        return InterviewDecision.Accept(new InterviewScheduled(
            s.InterviewId, s.RoomId, title, s.QuestionId, s.ScheduledFor, name, email, interviewers, s.Language!, s.ScheduledBy, s.At));
    }

    private static InterviewDecision Cancel(CancelInterview c, InterviewState state)
    {
        if (state.Status is InterviewStatus.Ended or InterviewStatus.Cancelled) return Finished(state);
        var reason = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
        if (reason is { Length: > MaxReasonLength })
            return Invalid("reason", "reason-too-long", $"A cancellation reason holds at most {MaxReasonLength} characters; this one has {reason.Length}.");
        return InterviewDecision.Accept(new InterviewCancelled(Id(state), reason, c.By, c.At));
    }

    private static InterviewDecision Scorecard(SubmitScorecard c, InterviewState state)
    {
        if (!state.InterviewerIds.Contains(c.InterviewerId))
            return InterviewDecision.Refuse(new("not-an-interviewer", "Only an interviewer of this interview submits a scorecard for it."));
        switch (state.Status)
        {
            case InterviewStatus.Cancelled: return Conflict("interview-cancelled", "The interview was cancelled; a cancelled interview takes no scorecards.");
            case InterviewStatus.Scheduled or InterviewStatus.InProgress:
                return Conflict("interview-not-ended", "Scorecards are taken once the interview has ended; end it first.");
        }
        var ratings = c.Ratings ?? [];
        if (ratings.Count is 0 or > MaxCompetencies)
            return Invalid("ratings", "invalid-ratings", $"Rate 1 to {MaxCompetencies} competencies.");
        var cleaned = new List<CompetencyRating>(ratings.Count);
        foreach (var r in ratings)
        {
            var competency = (r?.Competency ?? "").Trim();
            if (competency.Length is 0 or > MaxCompetencyLength || competency.Any(char.IsControl))
                return Invalid("ratings", "invalid-competency", $"Each competency needs a name of 1 to {MaxCompetencyLength} printable characters.");
            if (r!.Rating is < MinRating or > MaxRating)
                return Invalid("ratings", "invalid-rating", $"'{competency}' is rated {r.Rating}; ratings run from {MinRating} (poor) to {MaxRating} (excellent).");
            if (cleaned.Any(x => string.Equals(x.Competency, competency, StringComparison.OrdinalIgnoreCase)))
                return Invalid("ratings", "duplicate-competency", $"'{competency}' is rated twice; rate each competency once.");
            cleaned.Add(new CompetencyRating(competency, r.Rating));
        }
        if (!Recommendations.Contains(c.Recommendation ?? ""))
            return Invalid("recommendation", "invalid-recommendation", $"The recommendation must be one of: {string.Join(", ", Recommendations)}; got '{c.Recommendation}'.");
        var text = (c.Text ?? "").Trim();
        if (text.Length > MaxScorecardText)
            return Invalid("text", "text-too-long", $"The scorecard text holds at most {MaxScorecardText} characters; this one has {text.Length}.");
        return InterviewDecision.Accept(new ScorecardSubmitted(Id(state), c.InterviewerId, cleaned, c.Recommendation!, text, c.At));
    }

    private static Guid Id(InterviewState state) => state.Scheduled!.InterviewId;

    private static InterviewDecision Finished(InterviewState state) => state.Status == InterviewStatus.Cancelled
        ? Conflict("interview-cancelled", "The interview was cancelled; schedule a new one instead.")
        : Conflict("interview-ended", "The interview has ended; nothing more can happen to it but scorecards.");

    private static InterviewDecision Conflict(string code, string message) => InterviewDecision.Refuse(new(code, message));

    private static InterviewDecision Invalid(string field, string code, string message) => InterviewDecision.Refuse(new(code, message, field));

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s.]+$")]
    private static partial Regex EmailShape();
}
