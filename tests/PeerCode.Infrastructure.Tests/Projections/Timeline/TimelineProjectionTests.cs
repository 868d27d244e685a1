using FluentAssertions;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Timeline;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Timeline;

public sealed class TimelineProjectionSqliteTests : TimelineProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class TimelineProjectionPostgresTests : TimelineProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class TimelineProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new TimelineProjection();

    [Fact]
    public async Task Given_a_room_history_Then_its_timeline_lists_joins_chat_runs_with_verdicts_pastes_and_focus_at_their_stream_revisions()
    {
        var room = Guid.NewGuid();
        var other = Guid.NewGuid();
        var s = History.Room(room);
        var alice = Guid.NewGuid();
        var t = History.T0;
        History.Add(s, "room.created.v1", new { roomId = room, title = "t", language = "go", at = t });
        History.Add(s, "room.participant-joined.v1", new { participantId = alice, name = "Alice", role = "candidate", color = "#fff", at = t.AddSeconds(1) });
        History.Add(s, "room.document-updated.v1", new { update = "AAEHAQAF", clientId = 1, participantId = alice, at = t.AddSeconds(2) });
        History.Add(History.Room(other), "room.participant-joined.v1", new { participantId = alice, name = "Alice", role = "candidate", color = "#fff", at = t.AddSeconds(2) });
        History.Add(s, "room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = alice, name = "Alice", text = new string('w', 400), at = t.AddSeconds(3) });
        History.Add(s, "room.paste-detected.v1", new { participantId = alice, size = 512, at = t.AddSeconds(4) });
        History.Add(s, "room.focus-changed.v1", new { participantId = alice, focused = false, at = t.AddSeconds(5) });
        var run = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = alice, language = "go", at = t.AddSeconds(6) });
        History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "ok", tests = new[] { new { name = "a", verdict = "passed", hidden = false }, new { name = "b", verdict = "wrong-answer", hidden = false } }, at = t.AddSeconds(7) });
        History.Add(s, "room.language-changed.v1", new { language = "rust", participantId = alice, at = t.AddSeconds(8) });
        History.Add(s, "room.participant-left.v1", new { participantId = alice, at = t.AddSeconds(9) });

        await ProjectAsync();

        var rows = await QueryAsync<TimelineRow>("SELECT * FROM timeline WHERE room_id = @room ORDER BY position", new { room = room.ToString() });
        rows.Select(r => (r.Revision, r.Kind, r.Verdict)).Should().Equal(
            (1L, "joined", (string?)null), (3L, "chat", null), (4L, "paste", null), (5L, "focus-lost", null),
            (6L, "run-requested", null), (7L, "run-completed", "ok"), (8L, "language-changed", null), (9L, "left", null));
        rows[0].Name.Should().Be("Alice");
        rows[1].Detail.Should().HaveLength(280).And.EndWith("…");
        rows[2].Detail.Should().Be("512 characters");
        rows[5].Detail.Should().Be("1/2 tests passed");
        rows[5].RunId.Should().Be(run.ToString());
        rows[6].Detail.Should().Be("rust");
        rows.Select(r => r.At).Should().BeInAscendingOrder();
        (await QueryAsync<TimelineRow>("SELECT * FROM timeline WHERE room_id = @other", new { other = other.ToString() })).Should().ContainSingle();
    }
}
