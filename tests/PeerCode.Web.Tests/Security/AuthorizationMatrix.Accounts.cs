namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>Accounts and admin endpoints (the accounts branch).</summary>
public static partial class AuthorizationMatrixRows
{
    public static IEnumerable<MatrixRow> Accounts =>
    [
        MatrixRow.Http("accounts", "GET", "/api/account/me").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("accounts", "GET", "/api/account/antiforgery").Allows(Enum.GetValues<Principal>()),
        // Signing out is allowed to anyone (it only clears the caller's own cookie); bearer callers need no antiforgery token.
        MatrixRow.Http("accounts", "POST", "/api/account/signout").Allows(Enum.GetValues<Principal>()),
        MatrixRow.Http("admin", "POST", "/api/admin/invitations", new { email = "{principal}@invited.test", role = "interviewer" })
            .Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("admin", "GET", "/api/admin/users").Allows(Admin).Denies(403, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
    ];
}
