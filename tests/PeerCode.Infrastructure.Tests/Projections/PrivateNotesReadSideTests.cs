using FluentAssertions;
using PeerCode.Domain.Rooms;
using PeerCode.Projections.Runner;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections;

/// <summary>
/// Private notes stay out of the read side: read models are read by dashboards and reports whose audience is wider than
/// a room's interviewers, so no projection may subscribe to a private event type. (NotePrivacyTests in the web tests
/// byte-scans a live server's read-model files and reports for a note's text as the end-to-end proof.)
/// </summary>
public sealed class PrivateNotesReadSideTests
{
    [Fact]
    public void No_projection_subscribes_to_a_private_note_event_type()
    {
        var projections = AllProjections.Create();
        projections.Should().NotBeEmpty();
        foreach (var projection in projections)
            projection.EventTypes.Where(PrivateNoteRules.IsPrivate).Should().BeEmpty($"{projection.Name} must not read private notes into a read model");
    }

    [Fact]
    public void The_private_prefix_matches_the_note_event_and_no_public_room_event()
    {
        PrivateNoteRules.IsPrivate("room.private-note-posted.v1").Should().BeTrue();
        PrivateNoteRules.IsPrivate("room.private-note-deleted.v2").Should().BeTrue("any later private-note event is private by its name");
        RoomEventTypes.ByName.Keys.Where(k => k != "room.private-note-posted.v1").Should().NotContain(k => PrivateNoteRules.IsPrivate(k));
    }
}
