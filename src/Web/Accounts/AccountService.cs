using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PeerCode.Application.Accounts;
using PeerCode.Application.EventSourcing;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Accounts;

namespace PeerCode.Web.Accounts;

/// <summary>The account use cases: each loads one account stream, decides with <see cref="AccountRules"/> and appends.</summary>
public sealed class AccountService(
    IEventStore store, TimeProvider clock, NodeIdentity node, IOptions<AccountOptions> options, ILogger<AccountService> log)
{
    private static readonly PasswordHasher<AccountState> Hasher = new();

    /// <summary>A hash of a password nobody has, verified against when the account does not exist so both cases cost one PBKDF2 run.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(AccountState.Initial, Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public sealed record Result(AccountState? Account, AccountError? Error);

    public async Task<Result> RegisterAsync(string email, string password, string displayName, string? invitationCode, CancellationToken ct)
    {
        var accountId = AccountIds.ForEmail(email);
        var stream = AccountEventTypes.StreamOf(accountId);
        if ((await LoadAsync(accountId, ct)).State.Registered) return new(null, AccountError.EmailTaken);
        var first = await ClaimFirstAdminAsync(accountId, ct);
        var now = clock.GetUtcNow();
        var hash = Hasher.HashPassword(AccountState.Initial, password);
        var command = new RegisterAccount(accountId, email, displayName, hash, first,
            string.IsNullOrWhiteSpace(invitationCode) ? null : AccountSecrets.Hash(invitationCode.Trim()), options.Value.OpenRegistration, now);
        try
        {
            var before = AccountState.Initial;
            var (decision, _) = await StreamDecider.DecideAsync<AccountState, IAccountEvent, AccountDecision>(
                store, stream, AccountState.Initial, AccountState.Evolve, AccountEventCodec.Decode,
                state => AccountRules.Decide(command, before = state), Encode(accountId), ct);
            if (decision.Refused) return new(null, decision.Error);
            var registered = decision.Events.Aggregate(before, AccountState.Evolve);
            log.LogInformation("Account {AccountId} registered with roles {Roles}", accountId, string.Join(",", registered.Roles));
            return new(registered, null);
        }
        catch (WrongExpectedRevisionException)
        {
            // Someone registered (or invited) this email between the read and the append: the email's state decides again next time.
            return new(null, AccountError.EmailTaken);
        }
    }

    /// <summary>
    /// Checks the lockout first (a locked account never has its password checked), then the password; records the outcome
    /// (failures and lockouts are events of the account). Retries when another attempt on the same account raced it.
    /// </summary>
    public async Task<Result> SignInAsync(string email, string password, CancellationToken ct)
    {
        var accountId = AccountIds.ForEmail(email);
        var command = new AttemptSignIn(hash => Verify(hash, password), options.Value.Lockout, clock.GetUtcNow());
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                AccountState? state = null;
                var (decision, _) = await StreamDecider.DecideAsync<AccountState, IAccountEvent, AccountDecision>(
                    store, AccountEventTypes.StreamOf(accountId), AccountState.Initial, AccountState.Evolve, AccountEventCodec.Decode,
                    s =>
                    {
                        state = s;
                        if (!s.Registered) Verify(DecoyHash.Value, password);
                        return AccountRules.Decide(command, s);
                    }, Encode(accountId), ct);
                if (decision.Error is { Code: "locked-out" } && decision.Events.OfType<AccountLockedOut>().Any())
                    log.LogWarning("Account {AccountId} locked out after {Failures} failed sign-ins", accountId, options.Value.Lockout.MaxFailures);
                return decision.Refused ? new(null, decision.Error) : new(state, null);
            }
            catch (WrongExpectedRevisionException) when (attempt < 5)
            {
                // Another sign-in of the same account appended first; decide again on the state that includes it.
            }
        }
    }

    public async Task<AccountState?> FindAsync(Guid accountId, CancellationToken ct)
    {
        var loaded = await LoadAsync(accountId, ct);
        return loaded.State.Registered ? loaded.State : null;
    }

    public sealed record Invitation(string Email, string Role, string Code, DateTimeOffset ExpiresAt);

    public async Task<(Invitation? Invitation, AccountError? Error)> InviteAsync(string email, string role, Guid invitedBy, CancellationToken ct)
    {
        var accountId = AccountIds.ForEmail(email);
        var code = AccountSecrets.NewCode();
        var now = clock.GetUtcNow();
        var command = new InviteAccount(accountId, email, role, AccountSecrets.Hash(code), now + options.Value.InvitationLifetime, invitedBy, now);
        try
        {
            var (decision, _) = await StreamDecider.DecideAsync<AccountState, IAccountEvent, AccountDecision>(
                store, AccountEventTypes.StreamOf(accountId), AccountState.Initial, AccountState.Evolve, AccountEventCodec.Decode,
                state => AccountRules.Decide(command, state), Encode(accountId), ct);
            if (decision.Refused) return (null, decision.Error);
            log.LogInformation("Account {AccountId} invited as {Role} by {InvitedBy}", accountId, role, invitedBy);
            return (new Invitation(AccountRules.NormalizeEmail(email), role, code, command.ExpiresAt), null);
        }
        catch (WrongExpectedRevisionException)
        {
            return (null, new AccountError("conflict", "This email's account changed at the same moment; send the invitation again."));
        }
    }

    public sealed record UserRow(Guid AccountId, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset RegisteredAt, DateTimeOffset? LockedUntil);

    public sealed record InvitationRow(string Email, string Role, DateTimeOffset ExpiresAt, DateTimeOffset InvitedAt);

    /// <summary>
    /// Every account and open invitation, folded from the account streams. A hiring team has tens to hundreds of accounts
    /// with a handful of events each, and the admin list must show a registration at once, so this is a fold kept in
    /// memory rather than a projection: the first call reads the store's account events once, later calls only what was
    /// appended after the last position seen (the store filters by stream prefix; it still walks the newer room events).
    /// </summary>
    public async Task<(IReadOnlyList<UserRow> Users, IReadOnlyList<InvitationRow> Invitations)> UsersAsync(CancellationToken ct)
    {
        await _directoryLock.WaitAsync(ct);
        try
        {
            await foreach (var r in store.ReadAllAsync(_directoryPosition + 1, Direction.Forwards, int.MaxValue,
                               EventFilter.StreamPrefix(AccountEventTypes.StreamPrefix), ct))
            {
                _directoryPosition = r.GlobalPosition;
                if (AccountEventCodec.Decode(r) is not { } e) continue;
                var (state, registeredAt, invitedAt) = _directory.GetValueOrDefault(e.AccountId, (AccountState.Initial, null, null));
                _directory[e.AccountId] = (AccountState.Evolve(state, e), e is AccountRegistered ? e.At : registeredAt, e is AccountInvited ? e.At : invitedAt);
            }
            var now = clock.GetUtcNow();
            var users = _directory.Values.Where(s => s.State.Registered)
                .Select(s => new UserRow(s.State.AccountId, s.State.Email, s.State.DisplayName, s.State.Roles, s.RegisteredAt!.Value, s.State.LockedAt(now)))
                .OrderBy(u => u.RegisteredAt).ToList();
            var invitations = _directory.Values.Where(s => !s.State.Registered && s.State.Invitation is { } i && i.ExpiresAt > now)
                .Select(s => new InvitationRow(s.State.Invitation!.Email, s.State.Invitation.Role, s.State.Invitation.ExpiresAt, s.InvitedAt!.Value))
                .OrderBy(i => i.InvitedAt).ToList();
            return (users, invitations);
        }
        finally
        {
            _directoryLock.Release();
        }
    }

    private readonly SemaphoreSlim _directoryLock = new(1, 1);
    private readonly Dictionary<Guid, (AccountState State, DateTimeOffset? RegisteredAt, DateTimeOffset? InvitedAt)> _directory = new();
    private long _directoryPosition = -1;

    private Task<StreamDecider.Loaded<AccountState>> LoadAsync(Guid accountId, CancellationToken ct) =>
        StreamDecider.LoadAsync<AccountState, IAccountEvent>(store, AccountEventTypes.StreamOf(accountId), AccountState.Initial, AccountState.Evolve,
            AccountEventCodec.Decode, ct);

    /// <summary>True when <paramref name="accountId"/> holds (or now wins) the first-admin claim.</summary>
    private async Task<bool> ClaimFirstAdminAsync(Guid accountId, CancellationToken ct)
    {
        await foreach (var r in store.ReadStreamAsync(AccountEventTypes.FirstAdminStream, 0, Direction.Forwards, 1, ct))
            return AccountEventCodec.Decode(r) is FirstAdminClaimed claimed && claimed.AccountId == accountId;
        try
        {
            await store.AppendAsync(AccountEventTypes.FirstAdminStream, ExpectedRevision.NoStream,
                [AccountEventCodec.Encode(new FirstAdminClaimed(accountId, clock.GetUtcNow()), node.Metadata(accountId.ToString("D")))], ct);
            return true;
        }
        catch (WrongExpectedRevisionException)
        {
            return false;
        }
    }

    private Func<AccountDecision, IReadOnlyList<EventData>> Encode(Guid accountId) =>
        d => d.Events.Select(e => AccountEventCodec.Encode(e, node.Metadata(accountId.ToString("D")))).ToList();

    private static PasswordCheck Verify(string hash, string password) =>
        hash.Length > 0 && Hasher.VerifyHashedPassword(AccountState.Initial, hash, password) != PasswordVerificationResult.Failed
            ? PasswordCheck.Correct
            : PasswordCheck.Wrong;
}
