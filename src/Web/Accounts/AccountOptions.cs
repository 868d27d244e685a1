using PeerCode.Domain.Accounts;

namespace PeerCode.Web.Accounts;

/// <summary>Configuration section PeerCode:Accounts (docs/operations.md).</summary>
public sealed class AccountOptions
{
    /// <summary>When true, anyone may register (as interviewer) without an invitation; the first account is admin either way.</summary>
    public bool OpenRegistration { get; set; }

    /// <summary>Wrong passwords within <see cref="LockoutWindow"/> that lock the account.</summary>
    public int LockoutMaxFailures { get; set; } = LockoutPolicy.Default.MaxFailures;

    public TimeSpan LockoutWindow { get; set; } = LockoutPolicy.Default.Window;

    public TimeSpan LockoutDuration { get; set; } = LockoutPolicy.Default.Duration;

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Lifetime of a bearer access token (POST /api/account/token).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Lifetime of the browser's sign-in cookie (sliding).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(7);

    public LockoutPolicy Lockout => new(Math.Max(1, LockoutMaxFailures), LockoutWindow, LockoutDuration);
}
