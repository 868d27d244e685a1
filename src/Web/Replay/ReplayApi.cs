using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.Replay;
using PeerCode.Web.Rooms;

namespace PeerCode.Web.Replay;

/// <summary>
/// /api/rooms/{roomId}/replay: the interview as its room stream recorded it. The link token travels in the header
/// X-Room-Token or as "?token=". The contract is docs/protocol.md (Replay).
/// </summary>
public static class ReplayApi
{
    public static IEndpointRouteBuilder MapReplayApi(this IEndpointRouteBuilder app)
    {
        var replay = app.MapGroup("/api/rooms/{roomId:guid}/replay").WithTags("Replay");
        replay.MapGet("/events", EventsAsync);
        replay.MapGet("/state", StateAsync);
        replay.MapGet("/timeline", TimelineAsync);
        replay.MapGet("/summary.md", SummaryMarkdownAsync);
        replay.MapGet("/summary.html", SummaryHtmlAsync);
        return app;
    }

    private static Task<Results<Ok<ReplayEventsPage>, ProblemHttpResult>> EventsAsync(
        Guid roomId, long? from, int? count, RoomReplay replay, HttpContext http, CancellationToken ct) =>
        GuardAsync(roomId, replay, http, ct, async grant => TypedResults.Ok(await replay.EventsAsync(grant, from ?? 0, count ?? 500, ct)));

    private static Task<Results<Ok<ReplayState>, ProblemHttpResult>> StateAsync(
        Guid roomId, string? at, bool? document, RoomReplay replay, HttpContext http, CancellationToken ct) =>
        GuardAsync(roomId, replay, http, ct, async grant => TypedResults.Ok(await replay.StateAsync(grant, ParsePoint(at), document ?? false, ct)));

    private static Task<Results<Ok<ReplayTimelineView>, ProblemHttpResult>> TimelineAsync(
        Guid roomId, RoomReplay replay, HttpContext http, CancellationToken ct) =>
        GuardAsync(roomId, replay, http, ct, async grant => TypedResults.Ok(await replay.TimelineViewAsync(grant, ct)));

    private static Task<Results<ContentHttpResult, ProblemHttpResult>> SummaryMarkdownAsync(
        Guid roomId, RoomReplay replay, HttpContext http, CancellationToken ct) =>
        GuardAsync(roomId, replay, http, ct, async grant =>
            TypedResults.Text(InterviewSummary.Markdown(await InterviewSummary.BuildAsync(replay, grant, ct)), "text/markdown; charset=utf-8"));

    private static Task<Results<ContentHttpResult, ProblemHttpResult>> SummaryHtmlAsync(
        Guid roomId, RoomReplay replay, HttpContext http, CancellationToken ct) =>
        GuardAsync(roomId, replay, http, ct, async grant =>
            TypedResults.Text(InterviewSummary.Html(await InterviewSummary.BuildAsync(replay, grant, ct)), "text/html; charset=utf-8"));

    /// <summary>"at" is a stream revision (digits) or an ISO 8601 time with an offset; absent means the end.</summary>
    private static ReplayPoint ParsePoint(string? at)
    {
        if (string.IsNullOrWhiteSpace(at)) return new ReplayPoint.Latest();
        if (long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)) return new ReplayPoint.AtRevision(revision);
        if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return new ReplayPoint.AtTime(time);
        throw new ReplayException(ReplayRefusal.BadRequest, $"'at' must be a stream revision (0, 1, 2, ...) or an ISO 8601 time such as 2026-11-22T01:00:00Z; got '{at}'.");
    }

    private static async Task<Results<T, ProblemHttpResult>> GuardAsync<T>(
        Guid roomId, RoomReplay replay, HttpContext http, CancellationToken ct, Func<ReplayGrant, Task<T>> act) where T : IResult
    {
        try
        {
            var grant = await replay.AuthorizeAsync(roomId, RoomTokenHeader.From(http, allowQuery: true), ct);
            return await act(grant);
        }
        catch (ReplayException e)
        {
            var (status, title) = e.Refusal switch
            {
                ReplayRefusal.RoomNotFound => (StatusCodes.Status404NotFound, "No such room"),
                ReplayRefusal.NoToken => (StatusCodes.Status401Unauthorized, "A link token is needed"),
                ReplayRefusal.InvalidToken => (StatusCodes.Status401Unauthorized, "The token does not open this room"),
                ReplayRefusal.RoleMayNotReplay => (StatusCodes.Status403Forbidden, "This link may not replay the interview"),
                _ => (StatusCodes.Status400BadRequest, "The replay request is not valid"),
            };
            if (status == StatusCodes.Status401Unauthorized) RoomTokenHeader.Challenge(http);
            var code = e.Refusal switch
            {
                ReplayRefusal.RoomNotFound => "room-not-found",
                ReplayRefusal.NoToken => "token-required",
                ReplayRefusal.InvalidToken => "invalid-token",
                ReplayRefusal.RoleMayNotReplay => "replay-forbidden",
                _ => "invalid-replay-request",
            };
            return TypedResults.Problem(title: title, detail: e.Message, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
        }
    }
}
