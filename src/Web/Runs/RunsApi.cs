using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Application.Runs;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Infrastructure.Runs;
using PeerCode.Web.Rooms;
using PeerCode.Web.Security;

namespace PeerCode.Web.Runs;

public sealed record RunRequestBody(string? Language, string? Stdin, IReadOnlyList<RunTestInput?>? Tests);

public sealed record RunAccepted(string RunId);

/// <summary>
/// POST /api/rooms/{roomId}/runs and GET /api/runs/{runId}. Both take the room link's token (the part after '#') in the
/// header X-Room-Token (or a signed-in interviewer of the room, without one), resolved by the same RoomAccess rules as the
/// hub's JoinRoom; the role decides what the caller may
/// do (observers may read runs, not start them) and see (hidden tests' data only with the interviewer token).
/// </summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/rooms/{roomId}/runs", RequestAsync).WithTags("Runs").WithName("RequestRun").RequireRateLimiting(SecurityModule.RunsLimit);
        app.MapGet("/api/runs/{runId}", GetAsync).WithTags("Runs").WithName("GetRun");
        app.MapGet("/api/rooms/{roomId}/runs", ListAsync).WithTags("Runs").WithName("ListRuns");
        return app;
    }

    private static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult>> RequestAsync(
        string roomId, RunRequestBody? body, HttpContext http, RoomSessions sessions, RunsEntry runs, CancellationToken ct)
    {
        var token = RoomTokenHeader.From(http);
        if (!Guid.TryParse(roomId, out var id)) return Problem(RoomError.NotFound);
        RunSource source;
        try { source = await sessions.RunSourceForTokenAsync(id, token, RoomCallers.Of(http.User), ct); }
        catch (RoomActException e) { return Problem(e.Error, http); }
        try
        {
            var runId = await runs.RequestAsync(source, body?.Language, body?.Stdin, RunTestInput.ToDomain(body?.Tests), ct);
            return TypedResults.Accepted($"/api/runs/{runId}", new RunAccepted(runId));
        }
        catch (RunRequestException e)
        {
            var status = e.Code switch
            {
                "too-many-runs" => StatusCodes.Status429TooManyRequests,
                "runs-unavailable" => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            };
            return Problem("The run was not requested", e.Code, e.Message, status);
        }
        catch (EventStoreException)
        {
            return Problem("The run was not requested", "not-stored", "The run could not be recorded, so it was not queued. Try again in a moment.",
                StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>Every run of the room, oldest first (a page that joins later fills its history from this).</summary>
    private static async Task<Results<JsonHttpResult<IReadOnlyList<RunReport>>, ProblemHttpResult>> ListAsync(
        string roomId, HttpContext http, IEventStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!Guid.TryParse(roomId, out var room)) return Problem(RoomError.NotFound);
        var (_, role, error) = await RoomAccessReader.ResolveAsync(store, room, RoomTokenHeader.From(http), RoomCallers.Of(http.User), clock.GetUtcNow(), ct);
        if (error is not null) return Problem(error, http);
        var events = new List<RunEvent>();
        // The whole stream, forwards (edits included): fine for an interview's length; a read model would serve big rooms.
        await foreach (var recorded in store.ReadStreamAsync(RoomEventTypes.StreamOf(room), StreamPosition.Start, Direction.Forwards, int.MaxValue, ct))
            if (RunEventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } e) events.Add(e);
        var audience = role == ParticipantRole.Interviewer ? RunAudience.Interviewer : RunAudience.Participant;
        IReadOnlyList<RunReport> runs = events.OfType<RunRequested>()
            .Select(r => RunViews.Report(r.RunId, events, audience)!)
            .ToList();
        return TypedResults.Json(runs, RunEventSerializer.Options);
    }

    private static async Task<Results<JsonHttpResult<RunReport>, ProblemHttpResult>> GetAsync(
        string runId, HttpContext http, IEventStore store, TimeProvider clock, CancellationToken ct)
    {
        var notFound = Problem("No such run", "run-not-found", $"There is no run '{runId}'. Use the runId that POST /api/rooms/{{roomId}}/runs answered.", StatusCodes.Status404NotFound);
        if (RunIds.RoomOf(runId) is not { } roomId || !Guid.TryParseExact(roomId, "N", out var room)) return notFound;
        var stream = RoomEventTypes.StreamOf(room);
        var (state, role, error) = await RoomAccessReader.ResolveAsync(store, room, RoomTokenHeader.From(http), RoomCallers.Of(http.User), clock.GetUtcNow(), ct);
        if (!state.Exists) return notFound;
        if (error is not null) return Problem(error, http);

        // Backwards from the tail to the run's RunRequested: only the events since the run was requested are read.
        var events = new List<RunEvent>();
        await foreach (var recorded in store.ReadStreamAsync(stream, StreamPosition.End, Direction.Backwards, int.MaxValue, ct))
        {
            if (RunEventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is not { } e || e.RunId != runId) continue;
            events.Add(e);
            if (e is RunRequested) break;
        }
        events.Reverse();
        var audience = role == ParticipantRole.Interviewer ? RunAudience.Interviewer : RunAudience.Participant;
        return RunViews.Report(runId, events, audience) is { } report
            ? TypedResults.Json(report, RunEventSerializer.Options)
            : notFound;
    }

    /// <summary>A room access refusal; a 401 also names the link token header in WWW-Authenticate.</summary>
    private static ProblemHttpResult Problem(RoomError error, HttpContext http)
    {
        var problem = Problem(error);
        if (problem.StatusCode == StatusCodes.Status401Unauthorized) RoomTokenHeader.Challenge(http);
        return problem;
    }

    private static ProblemHttpResult Problem(RoomError error) => error.Code switch
    {
        "room-not-found" => Problem("No such room", error.Code, error.Message, StatusCodes.Status404NotFound),
        "invalid-token" => Problem("The token does not open this room", error.Code, error.Message, StatusCodes.Status401Unauthorized),
        _ when RoomAccessProblems.StatusOf(error) is { } status => Problem(RoomAccessProblems.TitleOf(error), error.Code, error.Message, status),
        "observer-cannot-run" => Problem("Observers cannot run code", error.Code, error.Message, StatusCodes.Status403Forbidden),
        _ => Problem("The run was not requested", error.Code, error.Message, StatusCodes.Status400BadRequest),
    };

    private static ProblemHttpResult Problem(string title, string code, string detail, int status) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}
