using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Security;

/// <summary>One fixed-window limit: <see cref="PermitLimit"/> requests per <see cref="Window"/> per partition.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }

    public FixedWindowRateLimiterOptions ToOptions() => new()
    {
        PermitLimit = Math.Max(1, PermitLimit), Window = Window > TimeSpan.Zero ? Window : TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
    };
}

/// <summary>
/// Configuration section PeerCode:RateLimits. Auth (register, sign-in, token, refresh) is per client IP; runs and chat are
/// per account when signed in, else per client IP. Defaults are generous enough for a team behind one NAT address.
/// </summary>
public sealed class RateLimitOptions
{
    public RateLimit Auth { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Runs { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Chat { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromSeconds(10) };
}

public static class RateLimitPartitions
{
    /// <summary>The signed-in account, else the client address (after forwarded headers), else one shared bucket.</summary>
    public static string ClientKey(HttpContext http) =>
        http.User.AccountId() is { } account ? "account:" + account.ToString("N") : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    public static string IpKey(HttpContext http) => "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
