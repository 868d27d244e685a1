namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// Private notes: only an interviewer of this room may read or write them. The list needs both the account (policy
/// "interviewer") and the room's interviewer link token; the hub method needs a connection joined as interviewer.
/// </summary>
public static partial class AuthorizationMatrixRows
{
    public static IEnumerable<MatrixRow> Notes =>
    [
        // Admin: signed in but sends no link token (401 token-required); InterviewerOfOther: room B's token does not open
        // room A (401 invalid-token); candidates, observers and anonymous callers have no account (401 unauthenticated).
        MatrixRow.Http("notes", "GET", "/api/rooms/{room}/notes").Allows(InterviewerOfThis).DeniesRest(401),
        MatrixRow.Hub("notes", "PostNote", "a private note from {principal}")
            .Allows(InterviewerOfThis).Denies("interviewers-only", CandidateOfThis, Observer).DeniesRest("not-joined"),
    ];
}
