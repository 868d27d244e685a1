using FluentAssertions;
using PeerCode.Domain.Rooms;
using Xunit;

namespace PeerCode.Domain.Tests.Rooms;

/// <summary>Given(room events).When(SelectQuestion).Then(QuestionSelected | error).</summary>
public sealed class QuestionSelectionDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Room = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Ivan = Guid.Parse("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    private static readonly Guid Cora = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");
    private static readonly Guid Q = Guid.Parse("12345678-1234-1234-1234-123456789012");
    private static readonly RoomCreated Created = new(Room, "Interview", "python", new("h-i", "h-c", "h-o"), At);
    private static readonly ParticipantJoined IvanJoined = new(Ivan, "Ivan", ParticipantRole.Interviewer, "#1f77b4", At);
    private static readonly ParticipantJoined CoraJoined = new(Cora, "Cora", ParticipantRole.Candidate, "#ff7f0e", At);

    private static RoomDecision Given(IRoomEvent[] events, IRoomCommand command) => RoomRules.Decide(command, RoomState.Fold(events));

    [Fact]
    public void Given_an_interviewer_in_the_room_When_selecting_a_question_Then_QuestionSelected_and_the_state_holds_it()
    {
        var d = Given([Created, IvanJoined], new SelectQuestion(Q, "Two sum", 3, Ivan, "acct", At));
        d.Events.Should().Equal(new QuestionSelected(Q, "Two sum", 3, Ivan, "acct", At));
        RoomState.Fold([Created, IvanJoined, .. d.Events]).Question.Should().Be(new RoomQuestion(Q, 3));
    }

    [Fact]
    public void Given_a_candidate_When_selecting_a_question_Then_interviewers_only()
    {
        Given([Created, CoraJoined], new SelectQuestion(Q, "Two sum", 0, Cora, null, At)).Error.Should().Be(RoomRules.InterviewersOnly);
    }

    [Fact]
    public void Given_a_room_When_a_signed_in_interviewer_outside_it_selects_Then_QuestionSelected_without_participant()
    {
        Given([Created], new SelectQuestion(Q, "Two sum", 0, null, "acct", At)).Events.Should().Equal(new QuestionSelected(Q, "Two sum", 0, null, "acct", At));
    }

    [Fact]
    public void Given_the_same_question_revision_already_selected_When_selecting_it_again_Then_nothing_new_but_a_newer_revision_is_recorded()
    {
        var first = new QuestionSelected(Q, "Two sum", 0, null, null, At);
        Given([Created, first], new SelectQuestion(Q, "Two sum", 0, null, null, At)).Events.Should().BeEmpty();
        Given([Created, first], new SelectQuestion(Q, "Two sum v2", 1, null, null, At)).Events.Should().ContainSingle();
    }

    [Fact]
    public void Given_no_room_When_selecting_Then_room_not_found_and_someone_who_left_is_not_joined()
    {
        Given([], new SelectQuestion(Q, "x", 0, null, null, At)).Error.Should().Be(RoomError.NotFound);
        Given([Created, IvanJoined, new ParticipantLeft(Ivan, At)], new SelectQuestion(Q, "x", 0, Ivan, null, At)).Error.Should().Be(RoomError.NotJoined);
    }
}
