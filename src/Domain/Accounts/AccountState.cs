using System.Collections.Immutable;

namespace PeerCode.Domain.Accounts;

public sealed record PendingInvitation(string Email, string Role, string CodeHash, DateTimeOffset ExpiresAt);

/// <summary>What account decisions need to know. Folded from the account stream with <see cref="Evolve"/>.</summary>
public sealed record AccountState(
    bool Registered,
    Guid AccountId,
    string Email,
    string DisplayName,
    ImmutableArray<string> Roles,
    string PasswordHash,
    PendingInvitation? Invitation,
    ImmutableList<DateTimeOffset> RecentFailures,
    DateTimeOffset? LockedUntil)
{
    public static readonly AccountState Initial = new(false, Guid.Empty, "", "", [], "", null, [], null);

    public static AccountState Evolve(AccountState state, IAccountEvent e) => e switch
    {
        AccountInvited i => state with { AccountId = i.AccountId, Invitation = new PendingInvitation(i.Email, i.Role, i.CodeHash, i.ExpiresAt) },
        AccountRegistered r => state with
        {
            Registered = true, AccountId = r.AccountId, Email = r.Email, DisplayName = r.DisplayName, Roles = [.. r.Roles],
            PasswordHash = r.PasswordHash, Invitation = null,
        },
        SignedIn => state with { RecentFailures = [], LockedUntil = null },
        SignInFailed f => state with { RecentFailures = state.RecentFailures.Add(f.At) },
        AccountLockedOut l => state with { LockedUntil = l.Until, RecentFailures = [] },
        _ => state,
    };

    public static AccountState Fold(IEnumerable<IAccountEvent> events) => events.Aggregate(Initial, Evolve);

    /// <summary>When sign-in opens again, or null when it is open at <paramref name="now"/>.</summary>
    public DateTimeOffset? LockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now ? until : null;

    public bool IsAdmin => Roles.Contains(AccountRoles.Admin);
}
