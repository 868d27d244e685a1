namespace PeerCode.Domain.Accounts;

/// <summary>
/// Every event of an account stream (`account-{id}`; the id is derived from the normalized email, see AccountIds).
/// Stored shapes never change: a new shape is a new version. Only hashes of secrets are ever stored.
/// </summary>
public interface IAccountEvent
{
    Guid AccountId { get; }
    DateTimeOffset At { get; }
}

/// <summary>The roles an account can hold. An admin always holds interviewer too.</summary>
public static class AccountRoles
{
    public const string Admin = "admin";
    public const string Interviewer = "interviewer";

    public static readonly IReadOnlyList<string> All = [Admin, Interviewer];

    /// <summary>The roles an account registered as <paramref name="role"/> holds.</summary>
    public static IReadOnlyList<string> Expand(string role) => role == Admin ? [Admin, Interviewer] : [Interviewer];
}

/// <summary>
/// An admin invited <paramref name="Email"/> as <paramref name="Role"/>. Only the SHA-256 of the one-time code is stored;
/// a later invitation of the same email replaces this one.
/// </summary>
public sealed record AccountInvited(
    Guid AccountId, string Email, string Role, string CodeHash, DateTimeOffset ExpiresAt, Guid InvitedBy, DateTimeOffset At) : IAccountEvent;

/// <summary><paramref name="PasswordHash"/> is ASP.NET Core Identity's PasswordHasher format (PBKDF2); never log it.</summary>
public sealed record AccountRegistered(
    Guid AccountId, string Email, string DisplayName, IReadOnlyList<string> Roles, string PasswordHash, DateTimeOffset At) : IAccountEvent;

public sealed record SignedIn(Guid AccountId, DateTimeOffset At) : IAccountEvent;

/// <summary>A wrong password; <paramref name="FailuresInWindow"/> counts this one and the earlier ones still inside the window.</summary>
public sealed record SignInFailed(Guid AccountId, int FailuresInWindow, DateTimeOffset At) : IAccountEvent;

/// <summary>Too many failures: sign-in is refused (before the password is checked) until <paramref name="Until"/>.</summary>
public sealed record AccountLockedOut(Guid AccountId, DateTimeOffset Until, int Failures, DateTimeOffset At) : IAccountEvent;

/// <summary>
/// The first account to register becomes admin. Its registration first appends this to the one stream
/// <see cref="AccountEventTypes.FirstAdminStream"/> expecting no stream, so of two simultaneous first registrations exactly one wins.
/// </summary>
public sealed record FirstAdminClaimed(Guid AccountId, DateTimeOffset At) : IAccountEvent;

/// <summary>The stable wire names (the event store's type column). Never rename one.</summary>
public static class AccountEventTypes
{
    public const string StreamPrefix = "account-";

    public static string StreamOf(Guid accountId) => StreamPrefix + accountId.ToString("N");

    /// <summary>Holds the single <see cref="FirstAdminClaimed"/> event (not an account stream: no "account-" prefix).</summary>
    public const string FirstAdminStream = "accounts-first-admin";

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        ["account.invited.v1"] = typeof(AccountInvited),
        ["account.registered.v1"] = typeof(AccountRegistered),
        ["account.signed-in.v1"] = typeof(SignedIn),
        ["account.sign-in-failed.v1"] = typeof(SignInFailed),
        ["account.locked-out.v1"] = typeof(AccountLockedOut),
        ["account.first-admin-claimed.v1"] = typeof(FirstAdminClaimed),
    };

    public static readonly IReadOnlyDictionary<Type, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(IAccountEvent e) => ByType[e.GetType()];
}
