using System.Security.Claims;
using PeerCode.Domain.Accounts;

namespace PeerCode.Web.Accounts;

/// <summary>
/// The authorization policies every feature uses: <c>.RequireAuthorization(AccountPolicies.Interviewer)</c> on endpoints
/// and groups; hub methods check <c>Context.User</c> with <see cref="AccountPrincipal"/>.
/// </summary>
public static class AccountPolicies
{
    /// <summary>Signed-in users with role interviewer or admin (an admin also holds interviewer).</summary>
    public const string Interviewer = "interviewer";

    /// <summary>Signed-in admins.</summary>
    public const string Admin = "admin";
}

/// <summary>The claims of a signed-in account (the shared contract of COMMON.md) and how to read them back.</summary>
public static class AccountPrincipal
{
    /// <summary>The authentication type of identities built here (whichever scheme, cookie or bearer, carries them).</summary>
    public const string AuthenticationType = "PeerCode";

    public static ClaimsPrincipal Create(Guid accountId, string email, string displayName, IEnumerable<string> roles)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, accountId.ToString("D")),
            new(ClaimTypes.Name, displayName),
            new(ClaimTypes.Email, email),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static ClaimsPrincipal Create(AccountState account) => Create(account.AccountId, account.Email, account.DisplayName, account.Roles);

    /// <summary>The signed-in account's id, or null when the principal is anonymous.</summary>
    public static Guid? AccountId(this ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && Guid.TryParseExact(user.FindFirstValue(ClaimTypes.NameIdentifier), "D", out var id) ? id : null;

    public static bool IsInterviewer(this ClaimsPrincipal? user) =>
        user.AccountId() is not null && (user!.IsInRole(AccountRoles.Interviewer) || user.IsInRole(AccountRoles.Admin));

    public static bool IsAdmin(this ClaimsPrincipal? user) => user.AccountId() is not null && user!.IsInRole(AccountRoles.Admin);
}
