using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.Replay;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Accounts;
using PeerCode.Web.Rooms;

namespace PeerCode.Web.Notes;

/// <summary>
/// GET /api/rooms/{roomId}/notes: the room's private notes so far, oldest first, for a late-joining interviewer (the live
/// ones arrive as the hub's Note message). It needs both a signed-in interviewer (policy "interviewer": cookie or account
/// bearer token) and proof that the caller is an interviewer of this room: being assigned to it (an interview's interviewers, or an admin),
/// or the room's interviewer link token in the header X-Room-Token (or "?token="). Candidates' and observers' tokens get 403 "interviewers-only". Contract: docs/protocol.md.
/// </summary>
public static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/rooms/{roomId:guid}/notes").WithTags("Notes").RequireAuthorization(AccountPolicies.Interviewer).MapGet("/", ListAsync);
        return app;
    }

    /// <summary>Each note in the shape of the hub's Note message, so a client merges both by id.</summary>
    private static async Task<Results<Ok<List<NoteView>>, ProblemHttpResult>> ListAsync(
        Guid roomId, RoomReplay replay, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        try
        {
            var grant = await replay.AuthorizeAsync(roomId, RoomTokenHeader.From(http, allowQuery: true), RoomCallers.Of(http.User),
                clock.GetUtcNow(), ct);
            var notes = await replay.NotesAsync(grant, ct);
            return TypedResults.Ok(notes.Select(n => new NoteView(n.NoteId, n.ParticipantId, n.AccountId, n.Name, n.Text, n.At)).ToList());
        }
        catch (ReplayException e)
        {
            var (status, title, code, detail) = e.Refusal switch
            {
                ReplayRefusal.RoomNotFound => (StatusCodes.Status404NotFound, "No such room", "room-not-found", e.Message),
                ReplayRefusal.NoToken => (StatusCodes.Status401Unauthorized, "A link token is needed", "token-required",
                    $"The notes list needs the room's interviewer link token in the '{RoomTokenHeader.Name}' header (or '?token=')."),
                ReplayRefusal.InvalidToken => (StatusCodes.Status401Unauthorized, "The token does not open this room", "invalid-token", e.Message),
                ReplayRefusal.AccessRefused => (RoomAccessProblems.StatusOf(new(e.Code!, e.Message)) ?? StatusCodes.Status403Forbidden,
                    RoomAccessProblems.TitleOf(new(e.Code!, e.Message)), e.Code!, e.Message),
                _ => (StatusCodes.Status403Forbidden, "Private notes are for interviewers only", "interviewers-only", PrivateNoteRules.InterviewersOnly.Message),
            };
            if (status == StatusCodes.Status401Unauthorized) RoomTokenHeader.Challenge(http);
            return TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
        }
    }
}
