using System.Net.Mail;

namespace PeerCode.Domain.Accounts;

/// <summary>Something asked of an account. Commands carry their time, ids and already-hashed secrets.</summary>
public interface IAccountCommand;

/// <summary>
/// Register <paramref name="Email"/>. <paramref name="FirstAccount"/>: this account holds the claim of the first account
/// (it becomes admin). <paramref name="InvitationCodeHash"/>: the SHA-256 of the invitation code the person brought, if any.
/// <paramref name="OpenRegistration"/>: registration without an invitation is allowed (as interviewer).
/// </summary>
public sealed record RegisterAccount(
    Guid AccountId, string Email, string DisplayName, string PasswordHash, bool FirstAccount, string? InvitationCodeHash,
    bool OpenRegistration, DateTimeOffset At) : IAccountCommand;

public enum PasswordCheck { Wrong, Correct }

/// <summary>The lockout policy: <paramref name="MaxFailures"/> wrong passwords within <paramref name="Window"/> lock the account for <paramref name="Duration"/>.</summary>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan Window, TimeSpan Duration)
{
    public static readonly LockoutPolicy Default = new(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
}

/// <summary>
/// A sign-in attempt. <paramref name="Check"/> is asked for only when the account exists and is not locked out, so a
/// locked account never spends a password hash (and never reveals whether the password was right).
/// </summary>
public sealed record AttemptSignIn(Func<string, PasswordCheck> Check, LockoutPolicy Policy, DateTimeOffset At) : IAccountCommand;

public sealed record InviteAccount(Guid AccountId, string Email, string Role, string CodeHash, DateTimeOffset ExpiresAt, Guid InvitedBy, DateTimeOffset At) : IAccountCommand;

/// <summary>Why an account refused a command: a stable <paramref name="Code"/>, a message a person can act on, and for lockouts when to retry.</summary>
public sealed record AccountError(string Code, string Message, DateTimeOffset? RetryAt = null, string? Field = null)
{
    public static AccountError InvalidCredentials =>
        new("invalid-credentials", "The email or the password is wrong. Check both; after repeated failures the account is locked for a while.");
    public static AccountError EmailTaken => new("email-taken", "An account with this email already exists. Sign in instead.", Field: "email");
    public static AccountError InvitationRequired =>
        new("invitation-required", "Registration needs an invitation: ask an admin to invite this email and use the code from the invitation.", Field: "invitation");
    public static AccountError InvitationInvalid =>
        new("invitation-invalid", "This invitation code is not valid for this email. Check the link, or ask an admin for a new invitation.", Field: "invitation");
    public static AccountError InvitationExpired =>
        new("invitation-expired", "This invitation has expired. Ask an admin for a new invitation.", Field: "invitation");
    public static AccountError AlreadyRegistered =>
        new("already-registered", "This email already has an account; it needs no invitation.", Field: "email");

    public static AccountError LockedOut(DateTimeOffset until) =>
        new("locked-out", $"Too many wrong passwords: this account is locked until {until:yyyy-MM-dd HH:mm:ss} UTC. Try again after that.", until);
}

/// <summary>Either the events a command produces (possibly none) or the reason it was refused.</summary>
public sealed record AccountDecision(IReadOnlyList<IAccountEvent> Events, AccountError? Error)
{
    public static AccountDecision Accept(params IAccountEvent[] events) => new(events, null);
    public static AccountDecision Refuse(AccountError error) => new([], error);
    public static AccountDecision RefuseAfter(AccountError error, params IAccountEvent[] events) => new(events, error);
    public bool Refused => Error is not null;
}

public static class AccountRules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxDisplayNameLength = 60;
    public const int MaxEmailLength = 254;

    /// <summary>The one normal form of an email: trimmed and lower-cased (invariant), so "A@x.io " and "a@x.io" are one account.</summary>
    public static string NormalizeEmail(string email) => (email ?? "").Trim().ToLowerInvariant();

    /// <summary>Field errors of a registration form (empty when it is fine): what is wrong and how to fix it.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateRegistration(string? email, string? password, string? displayName)
    {
        var errors = new Dictionary<string, string[]>();
        if (EmailProblem(email) is { } e) errors["email"] = [e];
        if (password is null || password.Length < MinPasswordLength)
            errors["password"] = [$"A password needs at least {MinPasswordLength} characters; this one has {password?.Length ?? 0}."];
        else if (password.Length > MaxPasswordLength)
            errors["password"] = [$"A password holds at most {MaxPasswordLength} characters."];
        var name = displayName?.Trim() ?? "";
        if (name.Length is 0 or > MaxDisplayNameLength || name.Any(char.IsControl))
            errors["displayName"] = [$"A display name needs 1 to {MaxDisplayNameLength} printable characters."];
        return errors;
    }

    public static string? EmailProblem(string? email)
    {
        var normalized = NormalizeEmail(email ?? "");
        if (normalized.Length == 0) return "An email address is required, such as ada@example.com.";
        if (normalized.Length > MaxEmailLength) return $"An email address holds at most {MaxEmailLength} characters.";
        var at = normalized.IndexOf('@');
        if (at <= 0 || at != normalized.LastIndexOf('@') || at == normalized.Length - 1 || !normalized[(at + 1)..].Contains('.')
            || normalized.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(normalized, out var parsed) || parsed.Address != normalized)
            return $"'{email}' is not an email address; use the form name@example.com.";
        return null;
    }

    public static AccountDecision Decide(IAccountCommand command, AccountState state) => command switch
    {
        RegisterAccount r => Register(r, state),
        AttemptSignIn s => SignIn(s, state),
        InviteAccount i => Invite(i, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Not an account command."),
    };

    private static AccountDecision Register(RegisterAccount r, AccountState state)
    {
        if (state.Registered) return AccountDecision.Refuse(AccountError.EmailTaken);
        string role;
        if (r.FirstAccount) role = AccountRoles.Admin;
        else if (r.InvitationCodeHash is { } code)
        {
            if (state.Invitation is not { } invitation || !FixedTimeEquals(invitation.CodeHash, code)) return AccountDecision.Refuse(AccountError.InvitationInvalid);
            if (invitation.ExpiresAt <= r.At) return AccountDecision.Refuse(AccountError.InvitationExpired);
            role = invitation.Role;
        }
        else if (r.OpenRegistration) role = AccountRoles.Interviewer;
        else return AccountDecision.Refuse(AccountError.InvitationRequired);
        return AccountDecision.Accept(new AccountRegistered(
            r.AccountId, NormalizeEmail(r.Email), r.DisplayName.Trim(), AccountRoles.Expand(role), r.PasswordHash, r.At));
    }

    private static AccountDecision SignIn(AttemptSignIn s, AccountState state)
    {
        if (!state.Registered) return AccountDecision.Refuse(AccountError.InvalidCredentials);
        if (state.LockedAt(s.At) is { } until) return AccountDecision.Refuse(AccountError.LockedOut(until));
        if (s.Check(state.PasswordHash) == PasswordCheck.Correct)
            return AccountDecision.Accept(new SignedIn(state.AccountId, s.At));
        var failures = state.RecentFailures.Count(t => t > s.At - s.Policy.Window) + 1;
        var failed = new SignInFailed(state.AccountId, failures, s.At);
        if (failures < s.Policy.MaxFailures) return AccountDecision.RefuseAfter(AccountError.InvalidCredentials, failed);
        var lockedUntil = s.At + s.Policy.Duration;
        return AccountDecision.RefuseAfter(AccountError.LockedOut(lockedUntil), failed, new AccountLockedOut(state.AccountId, lockedUntil, failures, s.At));
    }

    private static AccountDecision Invite(InviteAccount i, AccountState state)
    {
        if (state.Registered) return AccountDecision.Refuse(AccountError.AlreadyRegistered);
        if (EmailProblem(i.Email) is { } problem) return AccountDecision.Refuse(new("invalid-email", problem, Field: "email"));
        if (!AccountRoles.All.Contains(i.Role))
            return AccountDecision.Refuse(new("invalid-role", $"'{i.Role}' is not a role; use 'interviewer' or 'admin'.", Field: "role"));
        return AccountDecision.Accept(new AccountInvited(i.AccountId, NormalizeEmail(i.Email), i.Role, i.CodeHash, i.ExpiresAt, i.InvitedBy, i.At));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(a), System.Text.Encoding.ASCII.GetBytes(b));
}
