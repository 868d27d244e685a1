using FluentAssertions;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.Rooms;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Rooms;

/// <summary>
/// Presence is sent to everyone in the room, so taking a note must not show in it: a note is not activity, and an
/// interviewer who only writes notes stays idle for the candidate exactly as one who does nothing.
/// </summary>
public sealed class PrivateNoteActivityTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(60);
    private static readonly Guid Room = Guid.NewGuid();
    private static readonly Guid Ivan = Guid.NewGuid();

    private static async Task<LiveRoom> RoomWithIvanJoinedAsync()
    {
        var created = new RoomCreated(Room, "Interview", "python", new("h-i", "h-c", "h-o"), T);
        var room = new LiveRoom(Room, RoomState.Fold([created]), RoomDocument.Empty(), 0);
        await ApplyAsync(room, new ParticipantJoined(Ivan, "Ivan", ParticipantRole.Interviewer, "#e6194b", T));
        return room;
    }

    private static async Task ApplyAsync(LiveRoom room, IRoomEvent e)
    {
        room.BeginAppend();
        await room.ApplyOwnAsync([e], null, "connection-1");
    }

    private static bool IvanIdleAt(LiveRoom room, DateTimeOffset now) => room.Presence(now, IdleAfter).Single(p => p.ParticipantId == Ivan).Idle;

    [Fact]
    public async Task An_interviewer_who_only_posts_notes_turns_idle_as_if_nothing_happened()
    {
        var room = await RoomWithIvanJoinedAsync();
        await ApplyAsync(room, new PrivateNotePosted(Guid.NewGuid(), Ivan, null, "Ivan", "careful with off-by-one", T.AddSeconds(50)));
        IvanIdleAt(room, T.AddSeconds(90)).Should().BeTrue("the note at 50 s must not count as activity");
    }

    [Fact]
    public async Task The_same_moment_with_a_chat_line_keeps_the_interviewer_active_so_the_note_case_can_fail()
    {
        var room = await RoomWithIvanJoinedAsync();
        await ApplyAsync(room, new ChatMessagePosted(Guid.NewGuid(), Ivan, "Ivan", "hello", T.AddSeconds(50)));
        IvanIdleAt(room, T.AddSeconds(90)).Should().BeFalse();
    }
}
