using FluentAssertions;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Activity;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Activity;

public sealed class ActivityProjectionSqliteTests : ActivityProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class ActivityProjectionPostgresTests : ActivityProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class ActivityProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new ActivityProjection();

    private const string HelloWorld = "AQEHAAQBBm1vbmFjbwtoZWxsbyB3b3JsZAA="; // +11
    private const string DeleteFive = "AAEHAQAF"; // -5
    private const string ReplaceSelection = "AQEHpQHEBxYHFwtkZWYgbWFpbigpOgEHAgsCDwg="; // +11 -10

    private readonly Guid _room = Guid.NewGuid();
    private readonly Guid _alice = Guid.NewGuid();
    private readonly Guid _bob = Guid.NewGuid();
    private static DateTimeOffset At(double seconds) => History.T0.AddSeconds(seconds);

    [Fact]
    public async Task Given_edits_cursors_chat_pastes_focus_and_runs_Then_each_participant_row_counts_them()
    {
        var s = History.Room(_room);
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#f00", at = At(0) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _bob, name = "Bob", role = "interviewer", color = "#0f0", at = At(1) });
        History.Add(s, "room.document-updated.v1", new { update = HelloWorld, clientId = 7, participantId = _alice, at = At(10) });
        History.Add(s, "room.awareness-updated.v1", new { entry = "AA==", clientId = 7, participantId = _alice, cursor = new { line = 1, column = 3 }, at = At(11) });
        History.Add(s, "room.awareness-updated.v1", new { entry = "AA==", clientId = 7, participantId = _alice, at = At(12) });
        History.Add(s, "room.document-updated.v1", new { update = DeleteFive, clientId = 7, participantId = _alice, at = At(20) });
        History.Add(s, "room.document-updated.v1", new { update = "AQEHAB8=", clientId = 7, participantId = _alice, at = At(21) });
        // 100 s of silence from Alice: one idle period
        History.Add(s, "room.paste-detected.v1", new { participantId = _alice, size = 150, at = At(121) });
        History.Add(s, "room.paste-detected.v1", new { participantId = _alice, size = 20, at = At(122) });
        History.Add(s, "room.document-updated.v1", new { update = ReplaceSelection, clientId = 7, participantId = _alice, at = At(123) });
        History.Add(s, "room.focus-changed.v1", new { participantId = _alice, focused = false, at = At(124) });
        History.Add(s, "room.focus-changed.v1", new { participantId = _alice, focused = true, at = At(130) });
        History.Add(s, "room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = _bob, name = "Bob", text = "hi", at = At(131) });
        History.Add(s, "room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = _alice, name = "Alice", text = "hello", at = At(132) });
        var run1 = Guid.NewGuid(); var run2 = Guid.NewGuid(); var run3 = Guid.NewGuid(); var run4 = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run1, requestedBy = _alice, language = "python", at = At(140) });
        History.Add(s, "room.run-completed.v1", new { runId = run1, verdict = "runtime-error", at = At(142) });
        History.Add(s, "room.run-requested.v1", new { runId = run2, requestedBy = _alice, language = "python", at = At(150) });
        History.Add(s, "room.run-completed.v1", new { runId = run2, verdict = "ok", tests = new[] { new { name = "t1", verdict = "passed", hidden = false }, new { name = "t2", verdict = "wrong-answer", hidden = true } }, at = At(152) });
        History.Add(s, "room.run-requested.v1", new { runId = run3, requestedBy = _alice, language = "python", at = At(160) });
        History.Add(s, "room.run-completed.v1", new { runId = run3, verdict = "ok", tests = new[] { new { name = "t1", verdict = "passed", hidden = false } }, at = At(162) });
        History.Add(s, "room.run-requested.v1", new { runId = run4, requestedBy = _alice, language = "python", at = At(170) });
        History.Add(s, "room.run-completed.v1", new { runId = run4, verdict = "ok", at = At(172) });

        await ProjectAsync();

        var rows = await QueryAsync<ParticipantActivityRow>("SELECT * FROM participant_activity ORDER BY name");
        rows.Should().HaveCount(2);
        var alice = rows[0];
        alice.Name.Should().Be("Alice");
        alice.Role.Should().Be("candidate");
        alice.Edits.Should().Be(4);
        alice.CharsInserted.Should().Be(22);
        alice.CharsDeleted.Should().Be(15);
        alice.LargestInsert.Should().Be(11);
        alice.UndecodedUpdates.Should().Be(1);
        alice.CursorMoves.Should().Be(2);
        alice.Pastes.Should().Be(2);
        alice.LargePastes.Should().Be(1);
        alice.PastedChars.Should().Be(170);
        alice.IdlePeriods.Should().Be(1);
        alice.IdleSeconds.Should().Be(100);
        alice.FocusLosses.Should().Be(1);
        alice.ChatMessages.Should().Be(1);
        alice.Runs.Should().Be(4);
        alice.FirstRunAt.Should().Be(At(140));
        alice.SecondsToFirstRun.Should().Be(140);
        alice.FirstPassAt.Should().Be(At(162));
        alice.RunsUntilFirstPass.Should().Be(3);
        alice.LastActivityAt.Should().Be(At(170));

        var bob = rows[1];
        (bob.Edits, bob.ChatMessages, bob.Runs, bob.IdlePeriods, bob.IdleSeconds).Should().Be((0L, 1L, 0L, 1L, 130.0));
        bob.FirstRunAt.Should().BeNull();
        bob.RunsUntilFirstPass.Should().BeNull();
    }

    [Fact]
    public async Task Given_a_participant_leaves_and_rejoins_later_Then_the_time_away_is_not_an_idle_period()
    {
        var s = History.Room(_room);
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#f00", at = At(0) });
        History.Add(s, "room.document-updated.v1", new { update = HelloWorld, clientId = 7, participantId = _alice, at = At(5) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#f00", at = At(600) });
        History.Add(s, "room.document-updated.v1", new { update = DeleteFive, clientId = 7, participantId = _alice, at = At(610) });

        await ProjectAsync(batchSize: 1);

        var alice = (await QueryAsync<ParticipantActivityRow>("SELECT * FROM participant_activity")).Single();
        alice.IdlePeriods.Should().Be(0);
        alice.JoinedAt.Should().Be(At(0));
        (alice.CharsInserted, alice.CharsDeleted).Should().Be((11L, 5L));
    }
}
