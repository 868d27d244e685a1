using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using PeerCode.Domain.Accounts;

namespace PeerCode.Web.Accounts;

/// <summary>
/// Authentication (a cookie for the browser, bearer tokens for API clients and SignalR, chosen per request by a policy
/// scheme), the <see cref="AccountPolicies"/>, data-protection keys on disk, antiforgery for cookie-authenticated changes.
/// </summary>
public static class AccountsModule
{
    public const string Scheme = "PeerCode";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string BearerScheme = BearerTokenDefaults.AuthenticationScheme;
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static IServiceCollection AddPeerCodeAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AccountOptions>(configuration.GetSection("PeerCode:Accounts"));
        services.AddSingleton<AccountService>();

        // Keys next to the event store, so a restart or a second process on this host reads the same cookies and tokens;
        // several hosts point PeerCode:Accounts:KeysDirectory at one shared folder.
        var dataDirectory = configuration["PeerCode:DataDirectory"] is { Length: > 0 } dir ? dir : "./data";
        var keys = configuration["PeerCode:Accounts:KeysDirectory"] is { Length: > 0 } k ? k : Path.Combine(dataDirectory, "keys");
        services.AddDataProtection()
            .SetApplicationName("PeerCode")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(keys)));

        var accounts = configuration.GetSection("PeerCode:Accounts").Get<AccountOptions>() ?? new AccountOptions();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = http => IsBearerRequest(http) ? BearerScheme : CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "peercode.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = accounts.CookieLifetime;
                o.SlidingExpiration = true;
                // An API answers 401/403 (written as problem details by AuthorizationProblems), never a redirect to a login page.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddBearerToken(BearerScheme, o =>
            {
                o.BearerTokenExpiration = accounts.AccessTokenLifetime;
                o.RefreshTokenExpiration = accounts.RefreshTokenLifetime;
                o.Events.OnMessageReceived = c =>
                {
                    // WebSockets cannot carry headers from a browser: SignalR sends the token as ?access_token= on /hubs only.
                    if (c.HttpContext.Request.Path.StartsWithSegments("/hubs") && c.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                        c.Token = token;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AccountPolicies.Interviewer, p => p.RequireAuthenticatedUser().RequireRole(AccountRoles.Interviewer, AccountRoles.Admin))
            .AddPolicy(AccountPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(AccountRoles.Admin));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "peercode.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>Authentication, then antiforgery for cookie-authenticated state changes, then authorization.</summary>
    public static IApplicationBuilder UsePeerCodeAccounts(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<CookieRequestForgeryGuard>();
        app.UseAuthorization();
        return app;
    }

    /// <summary>A request carries an account bearer token: an Authorization: Bearer header, or on /hubs an access_token query.</summary>
    public static bool IsBearerRequest(HttpContext http) =>
        http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        || (http.Request.Path.StartsWithSegments("/hubs") && http.Request.Query.ContainsKey("access_token"));
}

/// <summary>
/// CSRF: a state-changing request (POST, PUT, PATCH, DELETE) that the browser's cookie authenticated must carry a valid
/// antiforgery token in <see cref="AccountsModule.AntiforgeryHeader"/>. Bearer-authenticated and anonymous requests
/// need none: a cross-site page cannot make the browser attach a bearer token, and without a cookie there is nothing to forge.
/// </summary>
public sealed class CookieRequestForgeryGuard(RequestDelegate next, IAntiforgery antiforgery, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var method = http.Request.Method;
        var changes = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        // SignalR's negotiate POST (/hubs/...) carries no antiforgery header; the cookie is SameSite=Strict, so a cross-site
        // page cannot make the browser send it there, and the hub's acts are authorized by the room link token anyway.
        if (changes && http.User.Identity?.IsAuthenticated == true && !AccountsModule.IsBearerRequest(http)
            && !http.Request.Path.StartsWithSegments("/hubs"))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problems.WriteAsync(new()
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status403Forbidden,
                        Title = "The antiforgery token is missing or invalid",
                        Detail = $"A change made with the sign-in cookie needs the header '{AccountsModule.AntiforgeryHeader}' holding the token from "
                            + "GET /api/account/antiforgery (fetch a new one after signing in). API clients can use a bearer token instead.",
                        Extensions = { ["code"] = "antiforgery-token-invalid" },
                    },
                });
                return;
            }
        }
        await next(http);
    }
}

/// <summary>Answers a failed authorization with a problem detail that says what to do (sign in; or which role is needed).</summary>
public sealed class AuthorizationProblems(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded)
        {
            await _default.HandleAsync(next, http, policy, result);
            return;
        }
        string title, detail, code;
        if (result.Challenged)
        {
            await http.ChallengeAsync();
            (title, code) = ("Sign-in required", "unauthenticated");
            detail = "Sign in first: the browser with POST /api/account/signin (cookie), API clients with a bearer token from POST /api/account/token.";
        }
        else
        {
            await http.ForbidAsync();
            var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Distinct().ToList();
            (title, code) = ("Not allowed", "forbidden");
            detail = roles.Count > 0
                ? $"This needs an account with the role {string.Join(" or ", roles.Select(r => $"'{r}'"))}; ask an admin."
                : "This account may not do this.";
        }
        if (http.Response.HasStarted) return;
        await problems.WriteAsync(new()
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
