using System.Text;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// The adapter against a real EventStoreDB (PEERCODE_TEST_ESDB). These check what the recordings cannot: what the
/// server does with requests it was never recorded answering (idempotent re-appends, backward $all reads, live
/// subscriptions). The shared port contract suite adds its own subclass for this adapter on top.
/// </summary>
public sealed class LiveEventStoreDbTests
{
    public static string? SkipReason => LiveEventStoreDb.SkipReason;

    private static EventStoreDbEventStore Store() => EventStoreDbEventStore.Connect(LiveEventStoreDb.ConnectionString!);

    private static EventData Event(string type, string json, EventMetadata? metadata = null) =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), metadata ?? EventMetadata.Empty);

    private static string NewStream() => $"room-live-{Guid.NewGuid():N}";

    [AdapterTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Append_read_both_ways_and_an_idempotent_retry_round_trip(bool batchAppend)
    {
        using var store = new EventStoreDbEventStore(EventStoreDbSettings.Parse(LiveEventStoreDb.ConnectionString!) with { UseBatchAppend = batchAppend });
        var stream = NewStream();
        var metadata = new EventMetadata(Guid.NewGuid(), Guid.NewGuid(), "u1", DateTimeOffset.UtcNow, "node-a");
        var batch = new[] { Event("room.document-updated.v1", """{"n":1}""", metadata), Event("room.chat-posted.v1", """{"n":2}""") };

        var first = await store.AppendAsync(stream, ExpectedRevision.NoStream, batch);
        first.NextExpectedRevision.Should().Be(1);
        var retry = await store.AppendAsync(stream, ExpectedRevision.NoStream, batch);
        retry.Should().Be(first, "re-sending the same event ids is de-duplicated by the server");

        var forwards = await store.ReadStreamAsync(stream, 0, Direction.Forwards, 10).ToListAsync();
        forwards.Select(e => e.EventId).Should().Equal(batch.Select(e => e.EventId));
        forwards[0].Metadata.Should().Be(metadata);
        forwards[1].GlobalPosition.Should().Be(first.GlobalPosition);
        var backwards = await store.ReadStreamAsync(stream, StreamPosition.End, Direction.Backwards, 10).ToListAsync();
        backwards.Select(e => e.Revision).Should().Equal(1, 0);

        var act = () => store.AppendAsync(stream, ExpectedRevision.Exact(0), [Event("room.chat-posted.v1", "{}")]);
        (await act.Should().ThrowAsync<WrongExpectedRevisionException>()).Which.ActualRevision.Should().Be(1);
    }

    [AdapterFact]
    public async Task Read_all_is_inclusive_of_its_start_in_both_directions()
    {
        using var store = Store();
        var stream = NewStream();
        var result = await store.AppendAsync(stream, ExpectedRevision.NoStream, [Event("a.v1", "{}"), Event("b.v1", "{}"), Event("c.v1", "{}")]);
        var mine = EventFilter.StreamPrefix(stream);
        var all = await store.ReadAllAsync(StreamPosition.Start, Direction.Forwards, 10, mine).ToListAsync();
        all.Select(e => e.Type).Should().Equal("a.v1", "b.v1", "c.v1");
        all[^1].GlobalPosition.Should().Be(result.GlobalPosition);

        var fromMiddle = await store.ReadAllAsync(all[1].GlobalPosition, Direction.Forwards, 10, mine).ToListAsync();
        fromMiddle.Select(e => e.Type).Should().Equal("b.v1", "c.v1");
        var backFromMiddle = await store.ReadAllAsync(all[1].GlobalPosition, Direction.Backwards, 10, mine).ToListAsync();
        backFromMiddle.Select(e => e.Type).Should().Equal("b.v1", "a.v1");
        var typed = await store.ReadAllAsync(StreamPosition.Start, Direction.Forwards, 10, new EventFilter([stream], ["c.v1", "a.v1"])).ToListAsync();
        typed.Select(e => e.Type).Should().Equal("a.v1", "c.v1");
    }

    [AdapterFact]
    public async Task Subscriptions_catch_up_then_go_live()
    {
        using var store = Store();
        var stream = NewStream();
        await store.AppendAsync(stream, ExpectedRevision.NoStream, [Event("a.v1", "{}")]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<SubscriptionMessage>();
        await foreach (var message in store.SubscribeToAllAsync(null, EventFilter.StreamPrefix(stream), cts.Token))
        {
            seen.Add(message);
            if (message is SubscriptionMessage.CaughtUp)
                await store.AppendAsync(stream, ExpectedRevision.Exact(0), [Event("b.v1", "{}")], cts.Token);
            if (message is SubscriptionMessage.Event { Recorded.Type: "b.v1" }) break;
        }
        seen.Select(m => m is SubscriptionMessage.Event e ? e.Recorded.Type : "caught-up").Should().Equal("a.v1", "caught-up", "b.v1");
    }
}
