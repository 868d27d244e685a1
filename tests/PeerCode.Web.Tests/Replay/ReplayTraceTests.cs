using FluentAssertions;
using PeerCode.Application.Replay;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Tests.Crdt;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Replay;

/// <summary>
/// Replay against a real SQLite event store holding a real editing trace written as a room records it: the state replay
/// computes at every 1,000th event equals the live document at that event.
/// </summary>
public sealed class ReplayTraceTests
{
    private static string TracePath(string name) => Path.Combine(Repo.Root, "..", "shared", "data", "editing-traces", "sequential", name);

    [Theory]
    [InlineData("sveltecomponent.json.gz", null, TraceHistory.DefaultSnapshotEvery)]
    [InlineData("automerge-paper.json.gz", 60_000, TraceHistory.DefaultSnapshotEvery)]
    [InlineData("seph-blog1.json.gz", 12_000, 1_000_000)] // no snapshot at all: every seek replays from the first update
    public async Task Replayed_text_at_every_1000th_event_equals_the_live_document_at_that_event(string trace, int? maxTransactions, int snapshotEvery)
    {
        var dir = Repo.NewDataDirectory();
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = dir });
        var tokens = RoomLinks.NewTokens();
        var live = new Dictionary<long, string>();
        var roomId = await TraceHistory.WriteAsync(store, EditingTrace.Load(TracePath(trace)), tokens, snapshotEvery,
            (revision, doc) => { if (revision % 1000 == 0) live[revision] = doc.GetText(RoomReplay.TextName).ToString(); }, maxTransactions);

        var replay = new RoomReplay(store);
        var grant = await replay.AuthorizeAsync(roomId, tokens.Interviewer, PeerCode.Domain.Rooms.RoomCaller.Anonymous, DateTimeOffset.UtcNow, CancellationToken.None);
        live.Count.Should().BeGreaterThan(10);
        live.Values.Distinct().Count().Should().BeGreaterThan(10, "the trace must actually change the text between checkpoints");
        foreach (var (revision, text) in live.OrderBy(p => p.Key))
        {
            var state = await replay.StateAsync(grant, new ReplayPoint.AtRevision(revision), includeDocument: false, CancellationToken.None);
            state.Revision.Should().Be(revision);
            state.Text.Should().Be(text, $"the replayed text at revision {revision} must equal the live document there");
        }
    }

    [Fact]
    public async Task A_time_seeks_to_the_last_event_recorded_at_or_before_it_and_a_document_state_rebuilds_the_same_text()
    {
        var dir = Repo.NewDataDirectory();
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = dir });
        var tokens = RoomLinks.NewTokens();
        var roomId = await TraceHistory.WriteAsync(store, EditingTrace.Load(TracePath("sveltecomponent.json.gz")), tokens, maxTransactions: 2_500);
        var replay = new RoomReplay(store);
        var grant = await replay.AuthorizeAsync(roomId, tokens.Observer, PeerCode.Domain.Rooms.RoomCaller.Anonymous, DateTimeOffset.UtcNow, CancellationToken.None);

        var target = await replay.StateAsync(grant, new ReplayPoint.AtRevision(1_234), includeDocument: true, CancellationToken.None);
        var byTime = await replay.StateAsync(grant, new ReplayPoint.AtTime(target.At!.Value), includeDocument: false, CancellationToken.None);
        byTime.Revision.Should().BeGreaterThanOrEqualTo(1_234, "events recorded in the same instant all precede that time");
        byTime.At.Should().Be(target.At);

        var rebuilt = new PeerCode.Domain.Crdt.Doc(clientId: 9);
        rebuilt.ApplyUpdate(Convert.FromBase64String(target.Document!));
        rebuilt.GetText(RoomReplay.TextName).ToString().Should().Be(target.Text);

        var before = () => replay.StateAsync(grant, new ReplayPoint.AtTime(target.At.Value.AddYears(-1)), false, CancellationToken.None);
        (await before.Should().ThrowAsync<ReplayException>()).Which.Refusal.Should().Be(ReplayRefusal.BadRequest);
        var beyond = () => replay.StateAsync(grant, new ReplayPoint.AtRevision(target.LastRevision + 1), false, CancellationToken.None);
        (await beyond.Should().ThrowAsync<ReplayException>()).Which.Message.Should().Contain($"from 0 to {target.LastRevision}");
    }

    [Fact]
    public void Replay_reads_the_same_shared_text_the_room_document_edits() =>
        RoomReplay.TextName.Should().Be(RoomDocument.TextName);
}
