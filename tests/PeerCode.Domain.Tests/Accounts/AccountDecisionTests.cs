using FluentAssertions;
using PeerCode.Domain.Accounts;
using Xunit;

namespace PeerCode.Domain.Tests.Accounts;

public sealed class AccountDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly LockoutPolicy Policy = new(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));
    private static readonly AccountRegistered Registered = new(Id, "ada@example.com", "Ada", ["interviewer"], "HASH", T0);

    private static Scenario Given(params IAccountEvent[] events) => new(AccountState.Fold(events));

    private sealed record Scenario(AccountState State)
    {
        public AccountDecision When(IAccountCommand command) => AccountRules.Decide(command, State);
    }

    private static RegisterAccount Register(bool first = false, string? code = null, bool open = false, DateTimeOffset? at = null) =>
        new(Id, " Ada@Example.com", " Ada ", "HASH", first, code, open, at ?? T0);

    private static AttemptSignIn SignIn(PasswordCheck check, DateTimeOffset at, Action? onCheck = null) =>
        new(_ => { onCheck?.Invoke(); return check; }, Policy, at);

    [Fact]
    public void Given_no_account_When_the_first_account_registers_Then_it_is_registered_as_admin_and_interviewer_with_the_normalized_email()
    {
        var d = Given().When(Register(first: true));
        d.Events.Should().BeEquivalentTo(new[] { new AccountRegistered(Id, "ada@example.com", "Ada", ["admin", "interviewer"], "HASH", T0) });
    }

    [Fact]
    public void Given_no_invitation_When_a_later_account_registers_Then_it_is_refused_as_invitation_required_unless_registration_is_open()
    {
        Given().When(Register()).Error!.Code.Should().Be("invitation-required");
        Given().When(Register(open: true)).Events.OfType<AccountRegistered>().Single().Roles.Should().Equal("interviewer");
    }

    [Fact]
    public void Given_an_invitation_When_registering_with_its_code_before_expiry_Then_the_invited_role_is_granted_else_invalid_or_expired()
    {
        var invited = new AccountInvited(Id, "ada@example.com", "admin", "CODEHASH", T0.AddDays(1), Guid.NewGuid(), T0);
        Given(invited).When(Register(code: "CODEHASH")).Events.OfType<AccountRegistered>().Single().Roles.Should().Equal("admin", "interviewer");
        Given(invited).When(Register(code: "OTHERHASH")).Error!.Code.Should().Be("invitation-invalid");
        Given(invited).When(Register(code: "CODEHASH", at: T0.AddDays(1))).Error!.Code.Should().Be("invitation-expired");
    }

    [Fact]
    public void Given_a_registered_account_When_registering_or_inviting_the_same_email_Then_it_is_refused_and_nothing_is_emitted()
    {
        var taken = Given(Registered).When(Register(first: true));
        taken.Error!.Code.Should().Be("email-taken");
        taken.Events.Should().BeEmpty();
        Given(Registered).When(new InviteAccount(Id, "ada@example.com", "interviewer", "H", T0.AddDays(1), Guid.NewGuid(), T0)).Error!.Code
            .Should().Be("already-registered");
    }

    [Fact]
    public void Given_two_recent_failures_When_a_third_wrong_password_arrives_within_the_window_Then_the_failure_and_a_lockout_are_emitted()
    {
        var d = Given(Registered, new SignInFailed(Id, 1, T0.AddMinutes(1)), new SignInFailed(Id, 2, T0.AddMinutes(2)))
            .When(SignIn(PasswordCheck.Wrong, T0.AddMinutes(3)));
        d.Error.Should().Be(AccountError.LockedOut(T0.AddMinutes(8)));
        d.Events.Should().BeEquivalentTo(new IAccountEvent[] { new SignInFailed(Id, 3, T0.AddMinutes(3)), new AccountLockedOut(Id, T0.AddMinutes(8), 3, T0.AddMinutes(3)) },
            o => o.RespectingRuntimeTypes().WithStrictOrdering());
    }

    [Fact]
    public void Given_failures_older_than_the_window_When_a_wrong_password_arrives_Then_only_the_recent_ones_count_and_there_is_no_lockout()
    {
        var d = Given(Registered, new SignInFailed(Id, 1, T0), new SignInFailed(Id, 2, T0.AddMinutes(1))).When(SignIn(PasswordCheck.Wrong, T0.AddMinutes(10.5)));
        d.Error!.Code.Should().Be("invalid-credentials");
        d.Events.Should().BeEquivalentTo(new[] { new SignInFailed(Id, 2, T0.AddMinutes(10.5)) });
    }

    [Fact]
    public void Given_a_locked_account_When_the_right_password_arrives_before_the_lockout_ends_Then_it_is_refused_without_checking_the_password()
    {
        var checkedPassword = false;
        var locked = Given(Registered, new AccountLockedOut(Id, T0.AddMinutes(5), 3, T0));
        var d = locked.When(SignIn(PasswordCheck.Correct, T0.AddMinutes(4), () => checkedPassword = true));
        d.Error!.Code.Should().Be("locked-out");
        d.Error.RetryAt.Should().Be(T0.AddMinutes(5));
        d.Events.Should().BeEmpty();
        checkedPassword.Should().BeFalse();

        var after = locked.When(SignIn(PasswordCheck.Correct, T0.AddMinutes(5)));
        after.Events.Should().BeEquivalentTo(new[] { new SignedIn(Id, T0.AddMinutes(5)) });
        AccountState.Evolve(locked.State, after.Events[0]).Should().Match<AccountState>(s => s.LockedUntil == null && s.RecentFailures.IsEmpty);
    }

    [Fact]
    public void Given_no_account_When_signing_in_Then_it_is_refused_as_invalid_credentials_like_a_wrong_password()
    {
        Given().When(SignIn(PasswordCheck.Correct, T0)).Error.Should().Be(AccountError.InvalidCredentials);
    }

    [Theory]
    [InlineData("ada@example.com", null)]
    [InlineData("ada", "name@example.com")]
    [InlineData("ada@", "name@example.com")]
    [InlineData("a b@example.com", "name@example.com")]
    [InlineData("ada@example", "name@example.com")]
    [InlineData("", "required")]
    public void Email_validation_says_what_form_an_email_takes(string email, string? problemContains)
    {
        var problem = AccountRules.EmailProblem(email);
        if (problemContains is null) problem.Should().BeNull();
        else problem.Should().Contain(problemContains);
    }
}
