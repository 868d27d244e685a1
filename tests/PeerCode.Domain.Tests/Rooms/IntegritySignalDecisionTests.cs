using FluentAssertions;
using PeerCode.Domain.Rooms;
using Xunit;

namespace PeerCode.Domain.Tests.Rooms;

/// <summary>Given(events).When(ReportPaste | ReportFocus).Then(events | error).</summary>
public sealed class IntegritySignalDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Room = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Cora = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");
    private static readonly Guid Olga = Guid.Parse("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");
    private static readonly RoomCreated Created = new(Room, "Interview", "python", new("h-i", "h-c", "h-o"), At);
    private static readonly ParticipantJoined CoraJoined = new(Cora, "Cora", ParticipantRole.Candidate, "#1f77b4", At);
    private static readonly ParticipantJoined OlgaJoined = new(Olga, "Olga", ParticipantRole.Observer, "#ff7f0e", At);

    private static RoomDecision Given(IRoomEvent[] events, IRoomCommand command) => RoomRules.Decide(command, RoomState.Fold(events));

    [Fact]
    public void Given_a_candidate_When_reporting_a_paste_Then_PasteDetected_with_its_size()
    {
        Given([Created, CoraJoined], new ReportPaste(Cora, 420, At)).Events.Should().Equal(new PasteDetected(Cora, 420, At));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(IntegritySignalRules.MaxPasteSize + 1)]
    public void Given_a_candidate_When_reporting_an_impossible_paste_size_Then_invalid_paste_size(int size)
    {
        var d = Given([Created, CoraJoined], new ReportPaste(Cora, size, At));
        d.Events.Should().BeEmpty();
        d.Error!.Code.Should().Be("invalid-paste-size");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Given_a_candidate_When_reporting_focus_Then_FocusChanged(bool focused)
    {
        Given([Created, CoraJoined], new ReportFocus(Cora, focused, At)).Events.Should().Equal(new FocusChanged(Cora, focused, At));
    }

    [Fact]
    public void Given_an_observer_When_reporting_a_paste_Then_read_only()
    {
        Given([Created, OlgaJoined], new ReportPaste(Olga, 5, At)).Error.Should().Be(RoomError.ReadOnly);
    }

    [Fact]
    public void Given_someone_who_never_joined_When_reporting_focus_Then_not_joined()
    {
        Given([Created], new ReportFocus(Cora, false, At)).Error.Should().Be(RoomError.NotJoined);
    }

    [Fact]
    public void Given_no_room_When_reporting_a_paste_Then_room_not_found()
    {
        Given([], new ReportPaste(Cora, 1, At)).Error.Should().Be(RoomError.NotFound);
    }
}
