namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// The endpoints and hub methods that existed before accounts: rooms, runs, replay, reports, projections admin, the hub.
/// Room-scoped calls are authorized by the room link token (X-Room-Token / JoinRoom), never by an account alone.
/// </summary>
public static partial class AuthorizationMatrixRows
{
    private static readonly Principal[] InRoom = [InterviewerOfThis, CandidateOfThis, Observer];

    public static IEnumerable<MatrixRow> Rooms =>
    [
        MatrixRow.Http("rooms", "POST", "/api/rooms", new { title = "Room by {principal}", language = "python" })
            .Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("public", "GET", "/api/languages").Allows(Enum.GetValues<Principal>()),
        MatrixRow.Http("public", "GET", "/health").Allows(Enum.GetValues<Principal>()),

        MatrixRow.Http("runs", "POST", "/api/rooms/{room}/runs", new { language = "python" })
            .Allows(InterviewerOfThis, CandidateOfThis).Denies(403, Observer).DeniesRest(401),
        MatrixRow.Http("runs", "GET", "/api/rooms/{room}/runs").Allows(InRoom).DeniesRest(401),
        MatrixRow.Http("runs", "GET", "/api/runs/{run}").Allows(InRoom).DeniesRest(401),

        .. new[] { "events", "state", "timeline", "summary.md", "summary.html" }.Select(path =>
            MatrixRow.Http("replay", "GET", $"/api/rooms/{{room}}/replay/{path}")
                .Allows(InterviewerOfThis, Observer).Denies(403, CandidateOfThis).DeniesRest(401)),

        MatrixRow.Http("reports", "GET", "/api/reports/").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("reports", "GET", "/api/reports/rooms").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("admin", "GET", "/api/admin/projections").Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("admin", "POST", "/api/admin/projections/rebuild", new { projections = new[] { "rooms" } })
            .Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),

        MatrixRow.Hub("hub", "JoinRoom").Allows(InRoom).DeniesRest("invalid-token"),
        MatrixRow.Hub("hub", "SendChat", "hello from {principal}").Allows(InRoom).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "Yjs", "$yjs-update").Allows(InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ChangeLanguage", "go").Allows(InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ReportPaste", 12).Allows(InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "ReportFocus", false).Allows(InterviewerOfThis, CandidateOfThis).Denies("read-only", Observer).DeniesRest("not-joined"),
        MatrixRow.Hub("hub", "RequestRun", "python", null, null)
            .Allows(InterviewerOfThis, CandidateOfThis).Denies("observer-cannot-run", Observer).DeniesRest("not-joined"),
    ];
}
