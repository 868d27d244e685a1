namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// Private notes: only an interviewer of this room may read or write them. The list needs the account (policy
/// "interviewer") and an interviewer's access to the room (assigned, an admin, or the interviewer link token); the hub
/// method needs a connection joined as interviewer (an admin joins as one).
/// </summary>
public static partial class AuthorizationMatrixRows
{
    public static IEnumerable<MatrixRow> Notes =>
    [
        // InterviewerOfOther: room B's token does not open room A (401 invalid-token); candidates, observers and
        // anonymous callers have no account (401 unauthenticated).
        MatrixRow.Http("notes", "GET", "/api/rooms/{room}/notes").Allows(Admin, InterviewerOfThis).DeniesRest(401),
        MatrixRow.Hub("notes", "PostNote", "a private note from {principal}")
            .Allows(Admin, InterviewerOfThis).Denies("interviewers-only", CandidateOfThis, Observer).DeniesRest("not-joined"),
    ];
}
