using FluentAssertions;
using PeerCode.Domain.Rooms;
using Xunit;

namespace PeerCode.Domain.Tests.Rooms;

/// <summary>RoomAccess.Resolve: the one role resolution the hub, runs and replay share, and the link decisions.</summary>
public sealed class RoomAccessTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Room = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Ivan = Guid.Parse("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    private static readonly Guid Other = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");
    private static readonly RoomCreated Created = new(Room, "Interview", "python", new("h-interviewer", "h-candidate", "h-observer"), At);
    private static readonly InterviewersAssigned Assigned = new([Ivan], At);
    private static readonly RoomCaller IvanSignedIn = new(Ivan, false);

    private static (ParticipantRole? Role, RoomError? Error) Resolve(IRoomEvent[] events, string? hash, RoomCaller caller, DateTimeOffset? now = null) =>
        RoomAccess.Resolve(RoomState.Fold(events), hash, caller, now ?? At);

    [Fact]
    public void Given_a_room_without_assignment_When_the_interviewer_link_is_used_anonymously_Then_interviewer_as_before()
    {
        Resolve([Created], "h-interviewer", RoomCaller.Anonymous).Role.Should().Be(ParticipantRole.Interviewer);
    }

    [Fact]
    public void Given_assigned_interviewers_When_the_interviewer_link_is_used_anonymously_Then_sign_in_required()
    {
        Resolve([Created, Assigned], "h-interviewer", RoomCaller.Anonymous).Error!.Code.Should().Be("sign-in-required");
    }

    [Fact]
    public void Given_assigned_interviewers_When_someone_else_signed_in_uses_the_interviewer_link_Then_not_an_interviewer()
    {
        Resolve([Created, Assigned], "h-interviewer", new RoomCaller(Other, false)).Error!.Code.Should().Be("not-an-interviewer");
    }

    [Fact]
    public void Given_assigned_interviewers_When_the_assigned_one_or_an_admin_uses_the_interviewer_link_Then_interviewer()
    {
        Resolve([Created, Assigned], "h-interviewer", IvanSignedIn).Role.Should().Be(ParticipantRole.Interviewer);
        Resolve([Created, Assigned], "h-interviewer", new RoomCaller(Other, true)).Role.Should().Be(ParticipantRole.Interviewer);
    }

    [Fact]
    public void Given_assigned_interviewers_When_an_assigned_one_comes_without_a_link_Then_interviewer_and_others_are_refused()
    {
        Resolve([Created, Assigned], null, IvanSignedIn).Role.Should().Be(ParticipantRole.Interviewer);
        Resolve([Created, Assigned], "", new RoomCaller(Other, false)).Error!.Code.Should().Be("not-an-interviewer");
        Resolve([Created, Assigned], null, RoomCaller.Anonymous).Error!.Code.Should().Be("token-required");
    }

    [Fact]
    public void Given_a_candidate_link_with_an_expiry_When_used_before_and_at_it_Then_candidate_then_link_expired()
    {
        IRoomEvent[] events = [Created, Assigned, new LinkIssued(ParticipantRole.Candidate, "h-candidate", At.AddHours(1), At)];
        Resolve(events, "h-candidate", RoomCaller.Anonymous, At.AddMinutes(59)).Role.Should().Be(ParticipantRole.Candidate);
        Resolve(events, "h-candidate", RoomCaller.Anonymous, At.AddHours(1)).Error!.Code.Should().Be("link-expired");
    }

    [Fact]
    public void Given_a_revoked_observer_link_When_used_Then_link_revoked_and_a_reissue_opens_with_the_new_token_only()
    {
        var revoke = RoomRules.Decide(new RevokeLink(ParticipantRole.Observer, At), RoomState.Fold([Created]));
        revoke.Events.Should().Equal(new LinkRevoked(ParticipantRole.Observer, "h-observer", At));
        IRoomEvent[] events = [Created, .. revoke.Events];
        Resolve(events, "h-observer", RoomCaller.Anonymous).Error!.Code.Should().Be("link-revoked");

        var reissue = RoomRules.Decide(new IssueLink(ParticipantRole.Observer, "h-observer-2", null, At), RoomState.Fold(events));
        IRoomEvent[] after = [.. events, .. reissue.Events];
        Resolve(after, "h-observer-2", RoomCaller.Anonymous).Role.Should().Be(ParticipantRole.Observer);
        Resolve(after, "h-observer", RoomCaller.Anonymous).Error!.Code.Should().Be("link-revoked");
    }

    [Fact]
    public void Given_a_replaced_candidate_link_When_the_old_token_is_used_Then_link_revoked()
    {
        IRoomEvent[] events = [Created, new LinkIssued(ParticipantRole.Candidate, "h-candidate-2", null, At)];
        Resolve(events, "h-candidate", RoomCaller.Anonymous).Error!.Code.Should().Be("link-revoked");
        Resolve(events, "h-candidate-2", RoomCaller.Anonymous).Role.Should().Be(ParticipantRole.Candidate);
    }

    [Fact]
    public void Given_a_revoked_link_When_reissued_with_the_same_token_or_an_expiry_in_the_past_Then_refused()
    {
        var state = RoomState.Fold([Created, new LinkRevoked(ParticipantRole.Candidate, "h-candidate", At)]);
        RoomRules.Decide(new IssueLink(ParticipantRole.Candidate, "h-candidate", null, At), state).Error!.Code.Should().Be("token-reused");
        RoomRules.Decide(new IssueLink(ParticipantRole.Candidate, "h-new", At.AddSeconds(-1), At), state).Error!.Code.Should().Be("expiry-in-past");
    }

    [Fact]
    public void Given_a_room_When_the_interviewer_link_is_revoked_or_reissued_Then_interviewer_link_fixed()
    {
        var state = RoomState.Fold([Created]);
        RoomRules.Decide(new RevokeLink(ParticipantRole.Interviewer, At), state).Error!.Code.Should().Be("interviewer-link-fixed");
        RoomRules.Decide(new IssueLink(ParticipantRole.Interviewer, "h", null, At), state).Error!.Code.Should().Be("interviewer-link-fixed");
    }

    [Fact]
    public void Given_assigned_interviewers_When_joining_anonymously_with_the_interviewer_link_Then_the_join_is_refused_with_sign_in_required()
    {
        RoomRules.Decide(new JoinRoom(Ivan, "h-interviewer", "Ivan", At), RoomState.Fold([Created, Assigned])).Error!.Code.Should().Be("sign-in-required");
        RoomRules.Decide(new JoinRoom(Ivan, "h-interviewer", "Ivan", At, IvanSignedIn), RoomState.Fold([Created, Assigned])).Events
            .Should().ContainSingle().Which.Should().BeOfType<ParticipantJoined>().Which.Role.Should().Be(ParticipantRole.Interviewer);
    }

    [Fact]
    public void Given_a_room_When_interviewers_are_assigned_with_none_or_an_empty_id_Then_no_interviewers()
    {
        RoomRules.Decide(new AssignInterviewers([], At), RoomState.Fold([Created])).Error!.Code.Should().Be("no-interviewers");
        RoomRules.Decide(new AssignInterviewers([Guid.Empty], At), RoomState.Fold([Created])).Error!.Code.Should().Be("no-interviewers");
    }
}
