using FluentAssertions;
using PeerCode.Domain.Rooms;
using Xunit;

namespace PeerCode.Domain.Tests.Rooms;

/// <summary>Given(events).When(command).Then(events | error) over the pure room decisions.</summary>
public sealed class RoomDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Room = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Alice = Guid.Parse("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    private static readonly Guid Olga = Guid.Parse("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");
    private static readonly RoomTokenHashes Hashes = new("h-interviewer", "h-candidate", "h-observer");
    private static readonly RoomCreated Created = new(Room, "Interview", "python", Hashes, At);

    private static RoomDecision Given(IRoomEvent[] events, IRoomCommand command) => RoomRules.Decide(command, RoomState.Fold(events));

    [Fact]
    public void Given_no_room_When_created_Then_RoomCreated_with_the_trimmed_title()
    {
        var d = Given([], new CreateRoom(Room, "  Interview ", "python", Hashes, At));
        d.Events.Should().Equal(new RoomCreated(Room, "Interview", "python", Hashes, At));
    }

    [Fact]
    public void Given_no_room_When_created_with_an_unknown_language_Then_unknown_language()
    {
        Given([], new CreateRoom(Room, "T", "cobol", Hashes, At)).Error!.Code.Should().Be("unknown-language");
    }

    [Fact]
    public void Given_a_room_When_created_again_Then_room_exists()
    {
        Given([Created], new CreateRoom(Room, "T", "python", Hashes, At)).Error!.Code.Should().Be("room-exists");
    }

    [Fact]
    public void Given_no_room_When_joining_Then_room_not_found()
    {
        Given([], new JoinRoom(Alice, "h-candidate", "Alice", At)).Error.Should().Be(RoomError.NotFound);
    }

    [Fact]
    public void Given_a_room_When_joining_with_the_candidate_token_Then_joined_as_candidate_with_the_first_colour()
    {
        Given([Created], new JoinRoom(Alice, "h-candidate", " Alice ", At)).Events
            .Should().Equal(new ParticipantJoined(Alice, "Alice", ParticipantRole.Candidate, RoomRules.Colors[0], At));
    }

    [Fact]
    public void Given_a_room_When_joining_with_a_wrong_token_Then_invalid_token()
    {
        Given([Created], new JoinRoom(Alice, "h-nothing", "Alice", At)).Error.Should().Be(RoomError.InvalidToken);
    }

    [Fact]
    public void Given_an_online_participant_When_joining_again_Then_no_event()
    {
        Given([Created, Joined(Alice, ParticipantRole.Candidate)], new JoinRoom(Alice, "h-candidate", "Alice", At)).Events.Should().BeEmpty();
    }

    [Fact]
    public void Given_a_participant_who_left_When_joining_again_Then_joined_with_the_same_colour()
    {
        var d = Given([Created, Joined(Alice, ParticipantRole.Candidate, "#123456"), new ParticipantLeft(Alice, At)], new JoinRoom(Alice, "h-candidate", "Alice", At));
        d.Events.Should().Equal(new ParticipantJoined(Alice, "Alice", ParticipantRole.Candidate, "#123456", At));
    }

    [Fact]
    public void Given_an_observer_When_updating_the_document_Then_read_only()
    {
        Given([Created, Joined(Olga, ParticipantRole.Observer)], new UpdateDocument(Olga, [0, 0], 7, At)).Error.Should().Be(RoomError.ReadOnly);
    }

    [Fact]
    public void Given_a_candidate_When_updating_the_document_Then_DocumentUpdated()
    {
        var d = Given([Created, Joined(Alice, ParticipantRole.Candidate)], new UpdateDocument(Alice, [1, 2], 7, At));
        d.Events.Should().ContainSingle().Which.Should().BeOfType<DocumentUpdated>().Which.ClientId.Should().Be(7);
    }

    [Fact]
    public void Given_a_stranger_When_updating_Then_not_joined()
    {
        Given([Created], new UpdateDocument(Alice, [1], 7, At)).Error.Should().Be(RoomError.NotJoined);
    }

    [Fact]
    public void Given_an_observer_When_chatting_Then_the_message_carries_the_name()
    {
        var id = Guid.NewGuid();
        Given([Created, Joined(Olga, ParticipantRole.Observer)], new PostChat(id, Olga, " hi ", At)).Events
            .Should().Equal(new ChatMessagePosted(id, Olga, "Olga", "hi", At));
    }

    [Fact]
    public void Given_a_member_When_chatting_over_the_limit_Then_chat_too_long()
    {
        Given([Created, Joined(Alice, ParticipantRole.Candidate)], new PostChat(Guid.NewGuid(), Alice, new string('x', RoomRules.MaxChatLength + 1), At))
            .Error!.Code.Should().Be("chat-too-long");
    }

    [Fact]
    public void Given_an_observer_When_changing_the_language_Then_read_only()
    {
        Given([Created, Joined(Olga, ParticipantRole.Observer)], new ChangeLanguage(Olga, "go", At)).Error.Should().Be(RoomError.ReadOnly);
    }

    [Fact]
    public void Given_updates_then_a_snapshot_Then_the_count_since_the_snapshot_restarts()
    {
        var state = RoomState.Fold([Created, Joined(Alice, ParticipantRole.Candidate), Update(), Update(), new DocumentSnapshotTaken([0, 0], [0], 3, At), Update()]);
        state.UpdatesSinceSnapshot.Should().Be(1);
    }

    private DocumentUpdated Update() => new([1], 1, Alice, At);

    private static ParticipantJoined Joined(Guid id, ParticipantRole role, string color = "#000000") =>
        new(id, id == Alice ? "Alice" : "Olga", role, color, At);
}
