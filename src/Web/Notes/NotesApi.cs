using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.Replay;
using PeerCode.Application.Rooms;

namespace PeerCode.Web.Notes;

/// <summary>
/// GET /api/rooms/{roomId}/notes: the room's private notes so far, oldest first, for a late-joining interviewer (the live
/// ones arrive as the hub's Note message). Only the interviewer's link token opens it ("Authorization: Bearer &lt;token&gt;"
/// or "?token="); candidates' and observers' tokens get 403 "interviewers-only". The contract is docs/protocol.md.
/// </summary>
public static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/rooms/{roomId:guid}/notes").WithTags("Notes").MapGet("/", ListAsync);
        return app;
    }

    /// <summary>Each note in the shape of the hub's Note message, so a client merges both by id.</summary>
    private static async Task<Results<Ok<List<NoteView>>, ProblemHttpResult>> ListAsync(
        Guid roomId, RoomReplay replay, HttpContext http, CancellationToken ct)
    {
        try
        {
            var grant = await replay.AuthorizeAsync(roomId, TokenOf(http), ct);
            var notes = await replay.NotesAsync(grant, ct);
            return TypedResults.Ok(notes.Select(n => new NoteView(n.NoteId, n.ParticipantId, n.AccountId, n.Name, n.Text, n.At)).ToList());
        }
        catch (ReplayException e)
        {
            var (status, title, code, detail) = e.Refusal switch
            {
                ReplayRefusal.RoomNotFound => (StatusCodes.Status404NotFound, "No such room", "room-not-found", e.Message),
                ReplayRefusal.NoToken => (StatusCodes.Status401Unauthorized, "A link token is needed", "token-required",
                    "The notes list needs the room's interviewer link token, as 'Authorization: Bearer <token>' or '?token='."),
                ReplayRefusal.InvalidToken => (StatusCodes.Status401Unauthorized, "The token does not open this room", "invalid-token", e.Message),
                _ => (StatusCodes.Status403Forbidden, "Private notes are for interviewers only", "interviewers-only",
                    Domain.Rooms.PrivateNoteRules.InterviewersOnly.Message),
            };
            if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer realm=\"peercode-notes\"";
            return TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
        }
    }

    private static string? TokenOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        return http.Request.Query["token"].ToString() is { Length: > 0 } query ? query : null;
    }
}
