using FluentAssertions;
using PeerCode.Domain.Rooms;
using Xunit;

namespace PeerCode.Domain.Tests.Rooms;

/// <summary>Given(events).When(PostPrivateNote).Then(PrivateNotePosted | error).</summary>
public sealed class PrivateNoteDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Room = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Ivan = Guid.Parse("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    private static readonly Guid Cora = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");
    private static readonly Guid Olga = Guid.Parse("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");
    private static readonly Guid Note = Guid.Parse("dddddddd-dddd-dddd-dddd-dddddddddddd");
    private static readonly Guid Account = Guid.Parse("eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee");
    private static readonly RoomCreated Created = new(Room, "Interview", "python", new("h-i", "h-c", "h-o"), At);
    private static readonly ParticipantJoined IvanJoined = new(Ivan, "Ivan", ParticipantRole.Interviewer, "#e6194b", At);
    private static readonly ParticipantJoined CoraJoined = new(Cora, "Cora", ParticipantRole.Candidate, "#3cb44b", At);
    private static readonly ParticipantJoined OlgaJoined = new(Olga, "Olga", ParticipantRole.Observer, "#4363d8", At);

    private static RoomDecision Given(IRoomEvent[] events, IRoomCommand command) => RoomRules.Decide(command, RoomState.Fold(events));

    [Fact]
    public void Given_an_interviewer_When_posting_a_note_Then_PrivateNotePosted_with_the_trimmed_text_the_name_and_the_account()
    {
        Given([Created, IvanJoined], new PostPrivateNote(Note, Ivan, Account, "  good edge cases\nasks questions \t", At))
            .Events.Should().Equal(new PrivateNotePosted(Note, Ivan, Account, "Ivan", "good edge cases\nasks questions", At));
    }

    [Fact]
    public void Given_an_interviewer_without_an_account_When_posting_a_note_Then_the_account_is_null()
    {
        var posted = (PrivateNotePosted)Given([Created, IvanJoined], new PostPrivateNote(Note, Ivan, null, "fine", At)).Events.Single();
        posted.AccountId.Should().BeNull();
    }

    [Fact]
    public void Given_a_candidate_When_posting_a_note_Then_interviewers_only()
    {
        var d = Given([Created, CoraJoined], new PostPrivateNote(Note, Cora, null, "I am great", At));
        d.Events.Should().BeEmpty();
        d.Error.Should().Be(PrivateNoteRules.InterviewersOnly);
    }

    [Fact]
    public void Given_an_observer_When_posting_a_note_Then_interviewers_only()
    {
        Given([Created, OlgaJoined], new PostPrivateNote(Note, Olga, null, "hm", At)).Error!.Code.Should().Be("interviewers-only");
    }

    [Fact]
    public void Given_an_interviewer_who_left_When_posting_a_note_Then_not_joined()
    {
        Given([Created, IvanJoined, new ParticipantLeft(Ivan, At)], new PostPrivateNote(Note, Ivan, null, "late", At)).Error.Should().Be(RoomError.NotJoined);
    }

    [Fact]
    public void Given_no_room_When_posting_a_note_Then_room_not_found()
    {
        Given([], new PostPrivateNote(Note, Ivan, null, "x", At)).Error.Should().Be(RoomError.NotFound);
    }

    [Theory]
    [InlineData("", "note-empty")]
    [InlineData("  \n\t ", "note-empty")]
    [InlineData("bell\u0007", "note-invalid-characters")]
    public void Given_an_interviewer_When_posting_a_bad_note_Then_a_typed_error_and_no_event(string text, string code)
    {
        var d = Given([Created, IvanJoined], new PostPrivateNote(Note, Ivan, null, text, At));
        d.Events.Should().BeEmpty();
        d.Error!.Code.Should().Be(code);
    }

    [Fact]
    public void Given_an_interviewer_When_posting_a_note_one_over_the_limit_Then_note_too_long_and_one_at_the_limit_is_accepted()
    {
        var over = Given([Created, IvanJoined], new PostPrivateNote(Note, Ivan, null, new string('x', PrivateNoteRules.MaxNoteLength + 1), At));
        over.Error!.Code.Should().Be("note-too-long");
        over.Error.Message.Should().Contain(PrivateNoteRules.MaxNoteLength.ToString()).And.Contain((PrivateNoteRules.MaxNoteLength + 1).ToString());
        Given([Created, IvanJoined], new PostPrivateNote(Note, Ivan, null, new string('x', PrivateNoteRules.MaxNoteLength), At)).Refused.Should().BeFalse();
    }

    [Fact]
    public void Every_private_room_event_has_a_wire_name_under_the_private_prefix_and_no_other_room_event_does()
    {
        RoomEventTypes.ByName.Where(p => PrivateNoteRules.IsPrivate(p.Key)).Select(p => p.Value).Should().BeEquivalentTo([typeof(PrivateNotePosted)]);
        RoomEventTypes.NameOf(new PrivateNotePosted(Note, Ivan, null, "Ivan", "x", At)).Should().Be("room.private-note-posted.v1");
    }

    [Fact]
    public void A_note_leaves_the_decision_state_as_it_was()
    {
        var before = RoomState.Fold([Created, IvanJoined]);
        RoomState.Evolve(before, new PrivateNotePosted(Note, Ivan, null, "Ivan", "x", At)).Should().BeSameAs(before);
    }
}
