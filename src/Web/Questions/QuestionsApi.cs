using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PeerCode.Application.EventStore;
using PeerCode.Application.Questions;
using PeerCode.Domain.Questions;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Projections.Hosting;
using PeerCode.Projections.Questions;
using PeerCode.Web.Accounts;
using PeerCode.Web.Rooms;

namespace PeerCode.Web.Questions;

/// <summary>A test case as clients send it: the runs' shape (name, stdin, expectedStdout, hidden).</summary>
public sealed record QuestionTestInput(string? Name, string? Stdin, string? ExpectedStdout, bool? Hidden);

/// <summary>The body of POST /api/questions and PUT /api/questions/{id}: the question's whole content.</summary>
public sealed record QuestionRequest(
    string? Title, string? Difficulty, IReadOnlyList<string?>? Categories, IReadOnlyList<string?>? Tags, string? Description,
    IReadOnlyDictionary<string, string?>? StarterCode, IReadOnlyList<QuestionTestInput?>? Tests)
{
    public QuestionDraft ToDraft() => new(Title, Difficulty, Categories, Tags, Description, StarterCode,
        Tests?.Select(t => t is null ? null : new RunTestCase(t.Name ?? "", t.Stdin ?? "", t.ExpectedStdout ?? "", t.Hidden ?? false)).ToList());
}

public sealed record SelectQuestionRequest(Guid? QuestionId);

/// <summary>
/// /api/questions: the question bank, for signed-in interviewers only. Writes decide against the question's stream and
/// append expecting the version read (PUT requires If-Match: the version from GET or the ETag; a stale one is 412).
/// Reads by id fold the stream (always current, hidden tests included); the list reads the `questions` read model, and
/// every write returns only once that projection has passed its append (bounded wait), so the author's next list has it.
/// </summary>
public static class QuestionsApi
{
    /// <summary>How long a write waits for the list's projection before answering anyway.</summary>
    public static readonly TimeSpan ReadModelWait = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapQuestionsApi(this IEndpointRouteBuilder app)
    {
        var questions = app.MapGroup("/api/questions").WithTags("Questions").RequireAuthorization(AccountPolicies.Interviewer);
        questions.MapPost("/", CreateAsync).WithName("CreateQuestion");
        questions.MapGet("/", ListAsync).WithName("ListQuestions");
        questions.MapGet("/{questionId}", GetAsync).WithName("GetQuestion");
        questions.MapPut("/{questionId}", EditAsync).WithName("EditQuestion");
        questions.MapPost("/{questionId}/archive", (string questionId, HttpContext http, QuestionStore store, QuestionBankReader reader, ProjectionsModeSetting mode, TimeProvider clock, CancellationToken ct) =>
            StatusAsync(questionId, id => new ArchiveQuestion(id, AccountOf(http), clock.GetUtcNow()), http, store, reader, mode, ct)).WithName("ArchiveQuestion");
        questions.MapPost("/{questionId}/restore", (string questionId, HttpContext http, QuestionStore store, QuestionBankReader reader, ProjectionsModeSetting mode, TimeProvider clock, CancellationToken ct) =>
            StatusAsync(questionId, id => new RestoreQuestion(id, AccountOf(http), clock.GetUtcNow()), http, store, reader, mode, ct)).WithName("RestoreQuestion");
        app.MapPost("/api/rooms/{roomId}/question", SelectIntoRoomAsync).WithTags("Questions").WithName("SelectRoomQuestion")
            .RequireAuthorization(AccountPolicies.Interviewer);
        return app;
    }

    private static async Task<Results<Created<QuestionDetails>, ProblemHttpResult>> CreateAsync(
        QuestionRequest? body, HttpContext http, QuestionStore store, QuestionBankReader reader, QuestionLanguages languages, ProjectionsModeSetting mode,
        TimeProvider clock, CancellationToken ct)
    {
        if (body is null) return Problem("The question was not created", "body-required", "Send the question as JSON: {title, difficulty, categories, tags, description, starterCode, tests}.", 400);
        var id = Guid.NewGuid();
        var outcome = await store.HandleAsync(new CreateQuestion(id, body.ToDraft(), languages.Ids, AccountOf(http), clock.GetUtcNow()), null, AccountOf(http), ct);
        if (outcome.Refused) return Refusal("The question was not created", outcome);
        await WaitForListAsync(outcome, reader, mode, ct);
        http.Response.Headers.ETag = ETag(outcome.Question.Revision);
        return TypedResults.Created($"/api/questions/{id}", QuestionViews.Details(outcome.Question));
    }

    private static async Task<Results<Ok<QuestionListPage>, ProblemHttpResult>> ListAsync(
        QuestionBankReader reader, CancellationToken ct, string? text = null, string? difficulty = null, string? category = null, string? tag = null,
        bool includeArchived = false, int page = 1, int pageSize = 50)
    {
        if (page < 1) return Problem("Bad page", "invalid-page", $"page is 1 or more; got {page}.", 400);
        if (pageSize is < 1 or > QuestionBankReader.MaxPageSize)
            return Problem("Bad page size", "invalid-page-size", $"pageSize is between 1 and {QuestionBankReader.MaxPageSize}; got {pageSize}.", 400);
        if (difficulty is { Length: > 0 } && !Enum.GetNames<QuestionDifficulty>().Any(n => n.Equals(difficulty.Trim(), StringComparison.OrdinalIgnoreCase)))
            return Problem("Bad difficulty", "invalid-difficulty", $"difficulty filters by easy, medium or hard; got '{difficulty}'.", 400);
        return TypedResults.Ok(await reader.ListAsync(new QuestionListQuery(text, difficulty, category, tag, includeArchived, page, pageSize), ct));
    }

    private static async Task<Results<Ok<QuestionDetails>, ProblemHttpResult>> GetAsync(string questionId, HttpContext http, QuestionStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(questionId, out var id)) return NotFound();
        var loaded = await store.LoadAsync(id, ct);
        if (!loaded.Exists) return NotFound();
        http.Response.Headers.ETag = ETag(loaded.Revision);
        return TypedResults.Ok(QuestionViews.Details(loaded));
    }

    private static async Task<Results<Ok<QuestionDetails>, ProblemHttpResult>> EditAsync(
        string questionId, QuestionRequest? body, HttpContext http, QuestionStore store, QuestionBankReader reader, QuestionLanguages languages,
        ProjectionsModeSetting mode, TimeProvider clock, CancellationToken ct)
    {
        if (!Guid.TryParse(questionId, out var id)) return NotFound();
        if (body is null) return Problem("The question was not changed", "body-required", "Send the question's whole new content as JSON.", 400);
        if (http.Request.Headers.IfMatch.Count == 0)
            return Problem("The question was not changed", "if-match-required",
                "Send the version you edited as the header If-Match (the ETag or the version field from GET /api/questions/{id}), so nobody's edit is overwritten unseen.", 428);
        if (ExpectedVersion(http) is not { } expected)
            return Problem("The question was not changed", "invalid-if-match", $"If-Match must be one version number such as \"3\"; got '{http.Request.Headers.IfMatch}'.", 400);
        var outcome = await store.HandleAsync(new EditQuestion(id, body.ToDraft(), languages.Ids, AccountOf(http), clock.GetUtcNow()), expected, AccountOf(http), ct);
        return await AnswerAsync("The question was not changed", outcome, http, reader, mode, ct);
    }

    private static async Task<Results<Ok<QuestionDetails>, ProblemHttpResult>> StatusAsync(
        string questionId, Func<Guid, IQuestionCommand> command, HttpContext http, QuestionStore store, QuestionBankReader reader, ProjectionsModeSetting mode,
        CancellationToken ct)
    {
        if (!Guid.TryParse(questionId, out var id)) return NotFound();
        long? expected = null;
        if (http.Request.Headers.IfMatch.Count > 0)
        {
            if (ExpectedVersion(http) is not { } v)
                return Problem("The question was not changed", "invalid-if-match", $"If-Match must be one version number such as \"3\"; got '{http.Request.Headers.IfMatch}'.", 400);
            expected = v;
        }
        var outcome = await store.HandleAsync(command(id), expected, AccountOf(http), ct);
        return await AnswerAsync("The question was not changed", outcome, http, reader, mode, ct);
    }

    private static async Task<Results<Ok<RoomQuestionView>, ProblemHttpResult>> SelectIntoRoomAsync(
        string roomId, SelectQuestionRequest? body, HttpContext http, RoomQuestions questions, CancellationToken ct)
    {
        if (!Guid.TryParse(roomId, out var room)) return Problem("No such room", RoomError.NotFound.Code, RoomError.NotFound.Message, 404);
        if (body?.QuestionId is not { } questionId)
            return Problem("No question was selected", "question-id-required", "Send {\"questionId\": \"<id>\"} with the id of a bank question.", 400);
        try
        {
            return TypedResults.Ok(await questions.SelectForCallerAsync(room, RoomTokenHeader.From(http), RoomCallers.Of(http.User), questionId, ct));
        }
        catch (RoomActException e)
        {
            var status = RoomAccessProblems.StatusOf(e.Error) ?? e.Error.Code switch
            {
                "question-not-found" => 404, "interviewer-link-required" => 403, "question-archived" => 409, "not-stored" => 503, _ => 400,
            };
            if (status == 401) RoomTokenHeader.Challenge(http);
            return Problem("No question was selected", e.Error.Code, e.Error.Message, status);
        }
    }

    private static async Task<Results<Ok<QuestionDetails>, ProblemHttpResult>> AnswerAsync(
        string title, QuestionOutcome outcome, HttpContext http, QuestionBankReader reader, ProjectionsModeSetting mode, CancellationToken ct)
    {
        if (outcome.Refused) return Refusal(title, outcome);
        await WaitForListAsync(outcome, reader, mode, ct);
        http.Response.Headers.ETag = ETag(outcome.Question.Revision);
        return TypedResults.Ok(QuestionViews.Details(outcome.Question));
    }

    private static async Task WaitForListAsync(QuestionOutcome outcome, QuestionBankReader reader, ProjectionsModeSetting mode, CancellationToken ct)
    {
        if (outcome.GlobalPosition is { } position && mode.Mode != ProjectionsMode.Off)
            await reader.WaitForAsync(position, ReadModelWait, ct);
    }

    private static ProblemHttpResult Refusal(string title, QuestionOutcome outcome)
    {
        if (outcome.Conflict)
            return TypedResults.Problem(title: title, detail: outcome.Errors[0].Message, statusCode: StatusCodes.Status412PreconditionFailed,
                extensions: new Dictionary<string, object?> { ["code"] = outcome.Errors[0].Code, ["currentVersion"] = outcome.Question.Revision });
        if (outcome.Errors is [{ Code: "question-not-found" }]) return NotFound();
        var status = outcome.Errors is [{ Code: "question-archived" or "question-exists" }] ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return TypedResults.Problem(title: title, statusCode: status,
            detail: string.Join(" ", outcome.Errors.Select(e => e.Field is null ? e.Message : $"{e.Field}: {e.Message}")),
            extensions: new Dictionary<string, object?>
            {
                ["code"] = outcome.Errors[0].Code,
                ["errors"] = outcome.Errors.Select(e => new { e.Code, e.Field, e.Message }).ToList(),
            });
    }

    private static ProblemHttpResult NotFound() =>
        Problem("No such question", QuestionError.NotFound.Code, QuestionError.NotFound.Message, StatusCodes.Status404NotFound);

    private static long? ExpectedVersion(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString().Trim();
        if (raw.StartsWith("W/", StringComparison.Ordinal)) raw = raw[2..];
        raw = raw.Trim('"');
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static string ETag(long revision) => $"\"{revision}\"";

    private static string? AccountOf(HttpContext http) => http.User.AccountId()?.ToString("D");

    private static ProblemHttpResult Problem(string title, string code, string detail, int status) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}
