using PeerCode.Application.Questions;
using PeerCode.Infrastructure.Rooms;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.Interviews;
using PeerCode.Domain.Interviews;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Interviews;

public sealed record ScheduleInterviewBody(
    string? Title, DateTimeOffset? ScheduledFor, string? CandidateName, string? CandidateEmail, IReadOnlyList<Guid>? InterviewerIds,
    Guid? QuestionId, string? Language);

public sealed record CancelInterviewBody(string? Reason);

public sealed record ReissueLinkBody(DateTimeOffset? ExpiresAt);

public sealed record ScorecardBody(IReadOnlyList<CompetencyRating>? Ratings, string? Recommendation, string? Text);

/// <summary>
/// /api/interviews: schedule, list, read, start/end/cancel, revoke/reissue candidate and observer links, scorecards.
/// Every endpoint needs a signed-in interviewer (AccountPolicies.Interviewer); everything about one interview also needs
/// the caller to be one of its interviewers or an admin (403 "not-an-interviewer" otherwise). The contract is docs/protocol.md.
/// </summary>
public static class InterviewsApi
{
    public static IEndpointRouteBuilder MapInterviewsApi(this IEndpointRouteBuilder app)
    {
        var interviews = app.MapGroup("/api/interviews").WithTags("Interviews").RequireAuthorization(AccountPolicies.Interviewer);
        interviews.MapPost("/", ScheduleAsync);
        interviews.MapGet("/", ListAsync);
        interviews.MapGet("/{interviewId:guid}", GetAsync);
        interviews.MapPost("/{interviewId:guid}/start", (Guid interviewId, ChangeInterviewStatusHandler h, HttpContext http, CancellationToken ct) =>
            StatusAsync(http, actor => h.StartAsync(interviewId, actor, ct)));
        interviews.MapPost("/{interviewId:guid}/end", (Guid interviewId, ChangeInterviewStatusHandler h, HttpContext http, CancellationToken ct) =>
            StatusAsync(http, actor => h.EndAsync(interviewId, actor, ct)));
        interviews.MapPost("/{interviewId:guid}/cancel", (Guid interviewId, CancelInterviewBody? body, ChangeInterviewStatusHandler h, HttpContext http, CancellationToken ct) =>
            StatusAsync(http, actor => h.CancelAsync(interviewId, body?.Reason, actor, ct)));
        interviews.MapPost("/{interviewId:guid}/links/{role}/revoke", RevokeAsync);
        interviews.MapPost("/{interviewId:guid}/links/{role}/reissue", ReissueAsync);
        interviews.MapPut("/{interviewId:guid}/scorecard", SubmitScorecardAsync);
        interviews.MapGet("/{interviewId:guid}/scorecard", MyScorecardAsync);
        interviews.MapGet("/{interviewId:guid}/scorecards", ScorecardsAsync);
        return app;
    }

    private static async Task<Results<Created<ScheduledInterviewView>, ProblemHttpResult, ValidationProblem>> ScheduleAsync(
        ScheduleInterviewBody? body, ScheduleInterviewHandler handler, QuestionStore questions, RoomQuestions roomQuestions,
        ILoggerFactory logs, HttpContext http, CancellationToken ct)
    {
        var log = logs.CreateLogger("PeerCode.Web.Interviews");
        var request = new ScheduleInterviewHandler.Request(body?.Title, body?.ScheduledFor, body?.CandidateName, body?.CandidateEmail,
            body?.InterviewerIds, body?.QuestionId, body?.Language);
        // The question must be in the bank and not archived; it is put into the room (shown beside the editor, its
        // starter code seeding the empty document) right after the interview is scheduled.
        if (body?.QuestionId is { } questionId && await questions.LoadAsync(questionId, ct) is var question && (!question.Exists || question.State.Archived))
        {
            var message = question.Exists
                ? "This question is archived; restore it in the question bank or pick another."
                : "There is no such question in the bank; pick one from GET /api/questions.";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["questionId"] = [message] }, detail: message,
                title: "The interview was not scheduled", extensions: Code(question.Exists ? "question-archived" : "question-not-found"));
        }
        var outcome = await handler.HandleAsync(request, Actor(http), ct);
        if (outcome.Error is { } error) return Refusal<Created<ScheduledInterviewView>>(error);
        var (state, tokens, expires) = outcome.Value!;
        var view = InterviewViews.Of(state);
        var links = new InterviewLinksView(Link(http, view.RoomId, tokens.Interviewer), Link(http, view.RoomId, tokens.Candidate), Link(http, view.RoomId, tokens.Observer));
        if (body?.QuestionId is { } picked)
        {
            try { await roomQuestions.SelectAsync(view.RoomId, picked, new QuestionActor(Actor(http).AccountId.ToString("D")), ct); }
            catch (RoomActException e)
            {
                // The interview stands (its question id is recorded); an interviewer can still pick the question in the room.
                log.LogWarning("Interview {InterviewId} scheduled, but its question was not put into room {RoomId}: {Code} {Message}",
                    view.InterviewId, view.RoomId, e.Error.Code, e.Error.Message);
            }
        }
        return TypedResults.Created($"/api/interviews/{view.InterviewId}", new ScheduledInterviewView(view.InterviewId, view.RoomId, view.Status, links, expires, view));
    }

    private static async Task<Results<Ok<IReadOnlyList<InterviewView>>, ValidationProblem>> ListAsync(
        string? status, string? from, string? to, InterviewDirectory directory, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InterviewStatus? parsedStatus = null;
        if (!string.IsNullOrEmpty(status) && (parsedStatus = InterviewViews.ParseStatus(status)) is null)
            errors["status"] = [$"'{status}' is not a status; use scheduled, in-progress, ended or cancelled."];
        var fromTime = ParseTime(from, "from", errors);
        var toTime = ParseTime(to, "to", errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)),
                title: "The interview list filter is not valid", extensions: Code("invalid-filter"));
        var list = await directory.ListAsync(Actor(http), new InterviewDirectory.Filter(parsedStatus, fromTime, toTime), ct);
        return TypedResults.Ok<IReadOnlyList<InterviewView>>(list.Select(InterviewViews.Of).ToList());
    }

    private static async Task<Results<Ok<InterviewView>, ProblemHttpResult, ValidationProblem>> GetAsync(
        Guid interviewId, InterviewDirectory directory, HttpContext http, CancellationToken ct)
    {
        var outcome = await directory.GetAsync(interviewId, Actor(http), ct);
        return outcome.Error is { } error ? Refusal<Ok<InterviewView>>(error) : TypedResults.Ok(InterviewViews.Of(outcome.Value!));
    }

    private static async Task<Results<Ok<InterviewView>, ProblemHttpResult, ValidationProblem>> StatusAsync(
        HttpContext http, Func<InterviewActor, Task<InterviewOutcome<InterviewState>>> act)
    {
        var outcome = await act(Actor(http));
        return outcome.Error is { } error ? Refusal<Ok<InterviewView>>(error) : TypedResults.Ok(InterviewViews.Of(outcome.Value!));
    }

    private static async Task<Results<Ok<RevokedLinkView>, ProblemHttpResult, ValidationProblem>> RevokeAsync(
        Guid interviewId, string role, InterviewLinksHandler links, HttpContext http, CancellationToken ct)
    {
        var outcome = await links.RevokeAsync(interviewId, role, Actor(http), ct);
        return outcome.Error is { } error ? Refusal<Ok<RevokedLinkView>>(error) : TypedResults.Ok(new RevokedLinkView(role, true));
    }

    private static async Task<Results<Ok<IssuedLinkView>, ProblemHttpResult, ValidationProblem>> ReissueAsync(
        Guid interviewId, string role, ReissueLinkBody? body, InterviewLinksHandler links, InterviewDirectory directory, HttpContext http, CancellationToken ct)
    {
        var outcome = await links.ReissueAsync(interviewId, role, body?.ExpiresAt, Actor(http), ct);
        if (outcome.Error is { } error) return Refusal<Ok<IssuedLinkView>>(error);
        var interview = await directory.GetAsync(interviewId, Actor(http), ct);
        var issued = outcome.Value!;
        return TypedResults.Ok(new IssuedLinkView(role, Link(http, interview.Value!.Scheduled!.RoomId, issued.Token), issued.ExpiresAt));
    }

    private static async Task<Results<Ok<ScorecardView>, ProblemHttpResult, ValidationProblem>> SubmitScorecardAsync(
        Guid interviewId, ScorecardBody? body, SubmitScorecardHandler handler, HttpContext http, CancellationToken ct)
    {
        var outcome = await handler.HandleAsync(interviewId, new SubmitScorecardHandler.Request(body?.Ratings, body?.Recommendation, body?.Text), Actor(http), ct);
        return outcome.Error is { } error ? Refusal<Ok<ScorecardView>>(error) : TypedResults.Ok(InterviewViews.Of(outcome.Value!));
    }

    private static async Task<Results<Ok<ScorecardView>, ProblemHttpResult, ValidationProblem>> MyScorecardAsync(
        Guid interviewId, InterviewDirectory directory, HttpContext http, CancellationToken ct)
    {
        var actor = Actor(http);
        var outcome = await directory.GetAsync(interviewId, actor, ct);
        if (outcome.Error is { } error) return Refusal<Ok<ScorecardView>>(error);
        return outcome.Value!.Scorecards.TryGetValue(actor.AccountId, out var mine)
            ? TypedResults.Ok(InterviewViews.Of(mine))
            : Problem("No scorecard yet", "scorecard-not-found", "You have not submitted a scorecard for this interview; PUT one once it has ended.", StatusCodes.Status404NotFound);
    }

    /// <summary>Every interviewer's scorecard: for the interviewers of this interview and admins only (the group policy keeps candidates and observers out).</summary>
    private static async Task<Results<Ok<IReadOnlyList<ScorecardView>>, ProblemHttpResult, ValidationProblem>> ScorecardsAsync(
        Guid interviewId, InterviewDirectory directory, HttpContext http, CancellationToken ct)
    {
        var outcome = await directory.GetAsync(interviewId, Actor(http), ct);
        if (outcome.Error is { } error) return Refusal<Ok<IReadOnlyList<ScorecardView>>>(error);
        return TypedResults.Ok<IReadOnlyList<ScorecardView>>(outcome.Value!.Scorecards.Values.OrderBy(c => c.At).Select(InterviewViews.Of).ToList());
    }

    /// <summary>The caller (the group's policy guarantees a signed-in interviewer or admin).</summary>
    private static InterviewActor Actor(HttpContext http) =>
        new(http.User.AccountId() ?? throw new InvalidOperationException("The interviewer policy lets only signed-in accounts through."), http.User.IsAdmin());

    private static string Link(HttpContext http, Guid roomId, string token) => $"{http.Request.Scheme}://{http.Request.Host}/r/{roomId:N}#{token}";

    private static DateTimeOffset? ParseTime(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        errors[name] = [$"'{value}' is not a time; use ISO 8601, e.g. 2026-11-22T09:00:00Z."];
        return null;
    }

    /// <summary>Bad input → 400 validation problem naming the field; unknown interview → 404; not one of its interviewers → 403; wrong status → 409.</summary>
    private static Results<T, ProblemHttpResult, ValidationProblem> Refusal<T>(InterviewError error) where T : IResult
    {
        if (error.Field is { } field)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error.Message] },
                detail: error.Message, title: "The request has a field to fix", extensions: Code(error.Code));
        return error.Code switch
        {
            "interview-not-found" or "room-not-found" => Problem("No such interview", error.Code, error.Message, StatusCodes.Status404NotFound),
            "not-an-interviewer" => Problem("Not an interviewer of this interview", error.Code, error.Message, StatusCodes.Status403Forbidden),
            "already-started" or "not-started" or "interview-ended" or "interview-cancelled" or "interview-not-ended" or "interview-exists" =>
                Problem("The interview's status does not allow this", error.Code, error.Message, StatusCodes.Status409Conflict),
            _ => Problem("The request was refused", error.Code, error.Message, StatusCodes.Status400BadRequest),
        };
    }

    private static ProblemHttpResult Problem(string title, string code, string detail, int status) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: Code(code));

    private static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };
}
