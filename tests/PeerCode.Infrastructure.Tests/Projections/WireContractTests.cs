using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Application.Runs;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Activity;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runs;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Timeline;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections;

/// <summary>
/// The read side's DTOs against the write side's real encoding: room events encoded by the room domain's own codec
/// are projected into rows. If the room domain changes a stored shape without a new version, this fails.
/// </summary>
public sealed class WireContractTests : IAsyncLifetime
{
    private readonly IReadModelStore _store = ReadModelStores.Create(ReadModelProvider.Sqlite);
    private readonly List<Projection> _projections = [new RoomsProjection(), new ActivityProjection(), new TimelineProjection(), new RunsProjection()];

    public async Task InitializeAsync()
    {
        await Migrator.ApplyAsync(_store, [Checkpoints.Schema, .. _projections.SelectMany(p => p.Migrations)]);
        await Checkpoints.EnsureAsync(_store, _projections.Select(p => p.Name), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Room_events_encoded_by_the_room_codec_project_into_rooms_activity_and_timeline()
    {
        var room = Guid.NewGuid();
        var alice = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        IRoomEvent[] written =
        [
            new RoomCreated(room, "Codec check", "python", new RoomTokenHashes("a", "b", "c"), t),
            new ParticipantJoined(alice, "Alice", ParticipantRole.Candidate, "#abc", t.AddSeconds(1)),
            new DocumentUpdated(Convert.FromBase64String("AQEHAAQBBm1vbmFjbwtoZWxsbyB3b3JsZAA="), 7, alice, t.AddSeconds(2)),
            new AwarenessUpdated([1, 2], 7, alice, new TextPosition(1, 3), null, null, t.AddSeconds(3)),
            new ChatMessagePosted(Guid.NewGuid(), alice, "Alice", "hello", t.AddSeconds(4)),
            new LanguageChanged("go", alice, t.AddSeconds(5)),
            new PasteDetected(alice, 150, t.AddSeconds(5.5)),
            new FocusChanged(alice, false, t.AddSeconds(5.6)),
            new FocusChanged(alice, true, t.AddSeconds(5.7)),
            new ParticipantLeft(alice, t.AddSeconds(6)),
        ];
        var stream = RoomEventTypes.StreamOf(room);
        await ProjectAsync(written.Select(e => RoomEventCodec.Encode(e, EventMetadata.Empty)).ToList(), stream, t);

        await using var c = await _store.OpenAsync();
        var r = await Dapper.SqlMapper.QuerySingleAsync<RoomRow>(c, "SELECT * FROM rooms");
        (r.RoomId, r.Title, r.Language, r.Status, r.ParticipantCount, r.OnlineCount).Should().Be((room.ToString(), "Codec check", "go", "active", 1L, 0L));
        var a = await Dapper.SqlMapper.QuerySingleAsync<ParticipantActivityRow>(c, "SELECT * FROM participant_activity");
        (a.Role, a.Edits, a.CharsInserted, a.CursorMoves, a.ChatMessages, a.UndecodedUpdates).Should().Be(("candidate", 1L, 11L, 1L, 1L, 0L));
        (a.Pastes, a.LargePastes, a.PastedChars, a.FocusLosses).Should().Be((1L, 1L, 150L, 1L));
        var kinds = await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT kind FROM timeline ORDER BY position");
        kinds.Should().Equal("joined", "chat", "language-changed", "paste", "focus-lost", "focus-regained", "left");
    }

    private async Task ProjectAsync(IReadOnlyList<EventData> events, string stream, DateTimeOffset recordedAt)
    {
        var recorded = events.Select((d, i) => new RecordedEvent(d.EventId, stream, i, i, d.Type, d.Data, d.Metadata, recordedAt)).ToList();
        foreach (var p in _projections)
        {
            var mine = recorded.Where(e => p.EventTypes.Contains(e.Type)).ToList();
            if (mine.Count == 0) continue;
            var cp = await Checkpoints.LoadAsync(_store, p.Name, CancellationToken.None);
            await Checkpoints.CommitBatchAsync(_store, p, cp, mine, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Run_events_serialised_by_the_runs_domain_project_into_runs_activity_and_timeline()
    {
        var room = Guid.NewGuid();
        var alice = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        RunEvent[] written =
        [
            new RunRequested("r-1", "python", "print(1)", "00", "", [new RunTestCase("sample", "", "1", false), new RunTestCase("big", "", "2", true)], alice.ToString(), t),
            new RunQueued("r-1", 0, t.AddMilliseconds(1)),
            new RunStarted("r-1", "node-a", t.AddMilliseconds(300)),
            new RunOutput("r-1", 0, "stdout", "1\n"),
            new RunCompleted("r-1", 0, RunVerdict.Ok, 420, 300, 10_240, false,
                [new RunTestResult("sample", false, TestVerdict.Passed, null, null, 10), new RunTestResult("big", true, TestVerdict.Passed, null, null, 30)], null, t.AddSeconds(1)),
            new RunRequested("r-2", "python", "boom", "00", "", [], alice.ToString(), t.AddSeconds(5)),
            new RunCompleted("r-2", 1, RunVerdict.CompileError, 50, null, null, true, [], "SyntaxError on line 1", t.AddSeconds(6)),
        ];
        var joined = RoomEventCodec.Encode(new ParticipantJoined(alice, "Alice", ParticipantRole.Candidate, "#abc", t.AddSeconds(-60)), EventMetadata.Empty);

        await ProjectAsync([joined, .. written.Select(e => new EventData(Guid.NewGuid(), RunEventSerializer.TypeOf(e), RunEventSerializer.Serialize(e), EventMetadata.Empty))],
            RoomEventTypes.StreamOf(room), t);

        await using var c = await _store.OpenAsync();
        var runs = (await Dapper.SqlMapper.QueryAsync<RunRow>(c, "SELECT * FROM runs ORDER BY run_id")).ToList();
        runs.Should().HaveCount(2);
        var ok = runs[0];
        (ok.RunId, ok.RoomId, ok.ParticipantId, ok.Language, ok.Status, ok.Verdict, ok.Passed).Should().Be(("r-1", room.ToString(), alice.ToString(), "python", "completed", "ok", 1L));
        (ok.QueueMs, ok.WallMs, ok.CpuMs, ok.PeakMemoryKb, ok.TotalMs, ok.OutputBytes, ok.TestsTotal, ok.TestsPassed).Should().Be((300L, 420L, 300L, 10_240L, 1000L, 2L, 2L, 2L));
        var failed = runs[1];
        (failed.Verdict, failed.Passed, failed.OutputTruncated, failed.Detail, failed.CpuMs).Should().Be(("compile-error", 0L, 1L, "SyntaxError on line 1", (long?)null));
        var tests = await Dapper.SqlMapper.QueryAsync<RunTestRow>(c, "SELECT * FROM run_tests ORDER BY ordinal");
        tests.Select(x => (x.Name, x.Verdict, x.Hidden)).Should().Equal(("sample", "passed", 0L), ("big", "passed", 1L));
        var a = await Dapper.SqlMapper.QuerySingleAsync<ParticipantActivityRow>(c, "SELECT * FROM participant_activity");
        (a.Runs, a.RunsUntilFirstPass, a.SecondsToFirstRun).Should().Be((2L, (long?)1, (double?)60));
        var verdicts = await Dapper.SqlMapper.QueryAsync<string?>(c, "SELECT verdict FROM timeline WHERE kind = 'run-completed' ORDER BY position");
        verdicts.Should().Equal("ok", "compile-error");
    }
}
