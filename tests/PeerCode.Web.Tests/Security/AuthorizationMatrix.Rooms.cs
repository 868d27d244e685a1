namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// The endpoints and hub methods that existed before accounts: rooms, runs, replay, reports, projections admin, the hub.
/// Room-scoped calls go through RoomAccess.Resolve: the room link token (X-Room-Token / JoinRoom), or, without one, a
/// signed-in interviewer assigned to the room or an admin (who is the interviewer of every room). A token of another
/// room is "invalid-token" (401) whoever sends it; no token and no sign-in is "token-required" (401).
/// </summary>
public static partial class AuthorizationMatrixRows
{
    private static readonly Principal[] InRoom = [Admin, InterviewerOfThis, CandidateOfThis, Observer];

    public static IEnumerable<MatrixRow> Rooms =>
    [
        MatrixRow.Http("rooms", "POST", "/api/rooms", new { title = "Room by {principal}", language = "python" })
            .Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("public", "GET", "/api/languages").Allows(Enum.GetValues<Principal>()),
        MatrixRow.Http("public", "GET", "/health").Allows(Enum.GetValues<Principal>()),

        MatrixRow.Http("runs", "POST", "/api/rooms/{room}/runs", new { language = "python" })
            .Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies(403, Observer).DeniesRest(401),
        MatrixRow.Http("runs", "GET", "/api/rooms/{room}/runs").Allows(InRoom).DeniesRest(401),
        MatrixRow.Http("runs", "GET", "/api/runs/{run}").Allows(InRoom).DeniesRest(401),

        .. new[] { "events", "state", "timeline", "summary.md", "summary.html" }.Select(path =>
            MatrixRow.Http("replay", "GET", $"/api/rooms/{{room}}/replay/{path}")
                .Allows(Admin, InterviewerOfThis, Observer).Denies(403, CandidateOfThis).DeniesRest(401)),

        MatrixRow.Http("reports", "GET", "/api/reports/").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("reports", "GET", "/api/reports/rooms").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("admin", "GET", "/api/admin/projections").Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("admin", "POST", "/api/admin/projections/rebuild", new { projections = new[] { "rooms" } })
            .Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),

        MatrixRow.Hub("hub", "JoinRoom").Allows(InRoom).Denies("token-required", Anonymous).DeniesRest("invalid-token"),
        MatrixRow.Hub("hub", "SendChat", "hello from {principal}").Allows(InRoom).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "Yjs", "$yjs-update").Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ChangeLanguage", "go").Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ReportPaste", 12).Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ReportFocus", false).Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "RequestRun", "python", null, null)
            .Allows(Admin, InterviewerOfThis, CandidateOfThis).Denies("observer-cannot-run", Observer).DeniesRest("not-joined"),
    ];
}
