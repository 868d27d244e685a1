using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PeerCode.Domain.Accounts;
using PeerCode.Web.Security;

namespace PeerCode.Web.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? Invitation);

public sealed record CredentialsRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record AccountView(Guid AccountId, string Email, string DisplayName, IReadOnlyList<string> Roles);

public sealed record AntiforgeryView(string HeaderName, string Token);

public sealed record InviteRequest(string? Email, string? Role);

public sealed record InvitationView(string Email, string Role, string Code, string Link, DateTimeOffset ExpiresAt);

public sealed record UsersView(IReadOnlyList<AccountService.UserRow> Users, IReadOnlyList<AccountService.InvitationRow> Invitations);

/// <summary>/api/account (register, sign in with a cookie or for a bearer token, sign out, me) and /api/admin (invitations, users). Contract: docs/protocol.md.</summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/account").WithTags("Accounts");
        account.MapPost("/register", RegisterAsync).RequireRateLimiting(SecurityModule.AuthLimit);
        account.MapPost("/signin", SignInAsync).RequireRateLimiting(SecurityModule.AuthLimit);
        account.MapPost("/token", TokenAsync).RequireRateLimiting(SecurityModule.AuthLimit);
        account.MapPost("/refresh", RefreshAsync).RequireRateLimiting(SecurityModule.AuthLimit);
        account.MapPost("/signout", (Delegate)SignOutAsync);
        account.MapGet("/me", Me).RequireAuthorization();
        account.MapGet("/antiforgery", Antiforgery);

        var admin = app.MapGroup("/api/admin").WithTags("Accounts").RequireAuthorization(AccountPolicies.Admin);
        admin.MapPost("/invitations", InviteAsync);
        admin.MapGet("/users", UsersAsync);
        return app;
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult, ValidationProblem>> RegisterAsync(
        RegisterRequest? body, AccountService accounts, CancellationToken ct)
    {
        var errors = AccountRules.ValidateRegistration(body?.Email, body?.Password, body?.DisplayName);
        if (errors.Count > 0) return Invalid(errors);
        var result = await accounts.RegisterAsync(body!.Email!, body.Password!, body.DisplayName!, body.Invitation, ct);
        if (result.Error is { } error) return Problem(error);
        return TypedResults.Created("/api/account/me", View(result.Account!));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult, ValidationProblem>> SignInAsync(
        CredentialsRequest? body, AccountService accounts, HttpContext http, IOptions<AccountOptions> options, CancellationToken ct)
    {
        if (Credentials(body) is { } invalid) return invalid;
        var result = await accounts.SignInAsync(body!.Email!, body.Password!, ct);
        if (result.Error is { } error) return Problem(error, http);
        await http.SignInAsync(AccountsModule.CookieScheme, AccountPrincipal.Create(result.Account!),
            new AuthenticationProperties { IsPersistent = true });
        return TypedResults.Ok(View(result.Account!));
    }

    private static async Task<Results<SignInHttpResult, ProblemHttpResult, ValidationProblem>> TokenAsync(
        CredentialsRequest? body, AccountService accounts, HttpContext http, CancellationToken ct)
    {
        if (Credentials(body) is { } invalid) return invalid;
        var result = await accounts.SignInAsync(body!.Email!, body.Password!, ct);
        if (result.Error is { } error) return Problem(error, http);
        // Writes { tokenType, accessToken, expiresIn, refreshToken }.
        return TypedResults.SignIn(AccountPrincipal.Create(result.Account!), authenticationScheme: AccountsModule.BearerScheme);
    }

    /// <summary>A new access token for a refresh token that is still valid and whose account still exists (roles are read afresh).</summary>
    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> RefreshAsync(
        RefreshRequest? body, AccountService accounts, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock, CancellationToken ct)
    {
        var protector = bearer.Get(AccountsModule.BearerScheme).RefreshTokenProtector;
        var ticket = string.IsNullOrEmpty(body?.RefreshToken) ? null : protector.Unprotect(body.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || expires <= clock.GetUtcNow()
            || ticket.Principal.AccountId() is not { } accountId || await accounts.FindAsync(accountId, ct) is not { } account)
            return Problem("The refresh token is not valid", "invalid-refresh-token",
                "The refresh token is unknown or expired. Get new tokens with POST /api/account/token.", StatusCodes.Status401Unauthorized);
        return TypedResults.SignIn(AccountPrincipal.Create(account), authenticationScheme: AccountsModule.BearerScheme);
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(AccountsModule.CookieScheme);
        return TypedResults.NoContent();
    }

    private static Ok<AccountView> Me(ClaimsPrincipal user) => TypedResults.Ok(new AccountView(
        user.AccountId()!.Value, user.FindFirstValue(ClaimTypes.Email) ?? "", user.Identity?.Name ?? "",
        user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList()));

    /// <summary>The token to send as X-CSRF-TOKEN with cookie-authenticated changes (bound to the current user: fetch again after signing in or out).</summary>
    private static Ok<AntiforgeryView> Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AntiforgeryView(tokens.HeaderName ?? AccountsModule.AntiforgeryHeader, tokens.RequestToken!));
    }

    private static async Task<Results<Created<InvitationView>, ProblemHttpResult, ValidationProblem>> InviteAsync(
        InviteRequest? body, AccountService accounts, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (AccountRules.EmailProblem(body?.Email) is { } emailProblem) errors["email"] = [emailProblem];
        var role = string.IsNullOrWhiteSpace(body?.Role) ? AccountRoles.Interviewer : body.Role.Trim();
        if (!AccountRoles.All.Contains(role)) errors["role"] = [$"'{body?.Role}' is not a role; use 'interviewer' or 'admin'."];
        if (errors.Count > 0) return Invalid(errors);
        var (invitation, error) = await accounts.InviteAsync(body!.Email!, role, http.User.AccountId()!.Value, ct);
        if (error is not null) return Problem(error);
        var link = $"{http.Request.Scheme}://{http.Request.Host}/signup#invitation={Uri.EscapeDataString(invitation!.Code)}&email={Uri.EscapeDataString(invitation.Email)}";
        return TypedResults.Created("/api/admin/users", new InvitationView(invitation.Email, invitation.Role, invitation.Code, link, invitation.ExpiresAt));
    }

    private static async Task<Ok<UsersView>> UsersAsync(AccountService accounts, CancellationToken ct)
    {
        var (users, invitations) = await accounts.UsersAsync(ct);
        return TypedResults.Ok(new UsersView(users, invitations));
    }

    private static ValidationProblem? Credentials(CredentialsRequest? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body?.Email)) errors["email"] = ["The email is required."];
        if (string.IsNullOrEmpty(body?.Password)) errors["password"] = ["The password is required."];
        return errors.Count > 0 ? Invalid(errors) : null;
    }

    private static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors.ToDictionary(),
        title: "Some fields need fixing", detail: string.Join(" ", errors.SelectMany(e => e.Value)),
        extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });

    private static AccountView View(AccountState a) => new(a.AccountId, a.Email, a.DisplayName, a.Roles);

    private static ProblemHttpResult Problem(AccountError error, HttpContext? http = null)
    {
        var (status, title) = error.Code switch
        {
            "invalid-credentials" => (StatusCodes.Status401Unauthorized, "Sign-in failed"),
            "locked-out" => (StatusCodes.Status423Locked, "The account is locked"),
            "email-taken" or "already-registered" or "conflict" => (StatusCodes.Status409Conflict, "Already exists"),
            "invitation-required" or "invitation-invalid" or "invitation-expired" => (StatusCodes.Status403Forbidden, "Registration needs a valid invitation"),
            _ => (StatusCodes.Status400BadRequest, "The request was refused"),
        };
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Field is { } field) extensions["field"] = field;
        if (error.RetryAt is { } retryAt)
        {
            extensions["retryAt"] = retryAt;
            if (http is not null)
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((retryAt - DateTimeOffset.UtcNow).TotalSeconds)).ToString();
        }
        return TypedResults.Problem(title: title, detail: error.Message, statusCode: status, extensions: extensions);
    }

    private static ProblemHttpResult Problem(string title, string code, string detail, int status) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}
