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
/// header X-Room-Token, the same secret the hub's JoinRoom takes; its role decides what the caller may
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
        if (Token(http) is not { } token) return MissingToken();
        if (!Guid.TryParse(roomId, out var id)) return Problem(RoomError.NotFound);
        RunSource source;
        try { source = await sessions.RunSourceForTokenAsync(id, token, ct); }
        catch (RoomActException e) { return Problem(e.Error); }
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
    private static async Task<Results<JsonHttpResult<IReadOnlyList<RunReport>>, ProblemHttpResult>> ListAsync(string roomId, HttpContext http, IEventStore store, CancellationToken ct)
    {
        if (Token(http) is not { } token) return MissingToken();
        if (!Guid.TryParse(roomId, out var room)) return Problem(RoomError.NotFound);
        var stream = RoomEventTypes.StreamOf(room);
        RoomState? state = null;
        var events = new List<RunEvent>();
        // The whole stream, forwards (edits included): fine for an interview's length; a read model would serve big rooms.
        await foreach (var recorded in store.ReadStreamAsync(stream, StreamPosition.Start, Direction.Forwards, int.MaxValue, ct))
        {
            if (state is null)
            {
                if (RoomEventCodec.Decode(recorded) is not RoomCreated created) break;
                state = RoomState.Evolve(RoomState.Initial, created);
                if (state.RoleForTokenHash(RoomLinks.Hash(token)) is null) return Problem(RoomError.InvalidToken);
                continue;
            }
            if (RunEventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } e) events.Add(e);
        }
        if (state is null) return Problem(RoomError.NotFound);
        var audience = state.RoleForTokenHash(RoomLinks.Hash(token)) == ParticipantRole.Interviewer ? RunAudience.Interviewer : RunAudience.Participant;
        IReadOnlyList<RunReport> runs = events.OfType<RunRequested>()
            .Select(r => RunViews.Report(r.RunId, events, audience)!)
            .ToList();
        return TypedResults.Json(runs, RunEventSerializer.Options);
    }

    private static async Task<Results<JsonHttpResult<RunReport>, ProblemHttpResult>> GetAsync(string runId, HttpContext http, IEventStore store, CancellationToken ct)
    {
        if (Token(http) is not { } token) return MissingToken();
        var notFound = Problem("No such run", "run-not-found", $"There is no run '{runId}'. Use the runId that POST /api/rooms/{{roomId}}/runs answered.", StatusCodes.Status404NotFound);
        if (RunIds.RoomOf(runId) is not { } roomId || !Guid.TryParseExact(roomId, "N", out var room)) return notFound;
        var stream = RoomEventTypes.StreamOf(room);

        RoomCreated? created = null;
        await foreach (var first in store.ReadStreamAsync(stream, StreamPosition.Start, Direction.Forwards, 1, ct))
            created = RoomEventCodec.Decode(first) as RoomCreated;
        if (created is null) return notFound;
        var role = RoomState.Evolve(RoomState.Initial, created).RoleForTokenHash(RoomLinks.Hash(token));
        if (role is null) return Problem(RoomError.InvalidToken);

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

    private static string? Token(HttpContext http)
    {
        var token = RoomTokenHeader.From(http);
        if (token is null) RoomTokenHeader.Challenge(http);
        return token;
    }

    private static ProblemHttpResult MissingToken() => Problem("A room link token is required", "missing-token",
        $"Send the room link's token (the part of the link after '#') in the header '{RoomTokenHeader.Name}: <token>'.", StatusCodes.Status401Unauthorized);

    private static ProblemHttpResult Problem(RoomError error) => error.Code switch
    {
        "room-not-found" => Problem("No such room", error.Code, error.Message, StatusCodes.Status404NotFound),
        "invalid-token" => Problem("The token does not open this room", error.Code, error.Message, StatusCodes.Status401Unauthorized),
        "observer-cannot-run" => Problem("Observers cannot run code", error.Code, error.Message, StatusCodes.Status403Forbidden),
        _ => Problem("The run was not requested", error.Code, error.Message, StatusCodes.Status400BadRequest),
    };

    private static ProblemHttpResult Problem(string title, string code, string detail, int status) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}
