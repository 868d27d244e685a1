using FluentAssertions;
using PeerCode.Application.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore;

public abstract partial class EventStoreContract<TFactory>
{
    [AdapterFact]
    public async Task Stream_subscription_delivers_history_then_CaughtUp_then_live_events_of_that_stream_only()
    {
        var stream = NewStream();
        var history = new[] { NewEvent(), NewEvent(), NewEvent() };
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, history);
        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(stream, null, ct));
        await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);

        var live = new[] { NewEvent(), NewEvent() };
        await Store.AppendAsync(NewStream(), ExpectedRevision.NoStream, [NewEvent()]);
        await Store.AppendAsync(stream, ExpectedRevision.Exact(2), live);
        var messages = await sub.WaitForAsync(m => m.Count >= 6, Patience);

        messages.Should().HaveCount(6);
        messages[3].Should().Be(new SubscriptionMessage.CaughtUp(2));
        messages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.EventId)
            .Should().Equal(history.Concat(live).Select(e => e.EventId));
        messages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.Revision).Should().Equal(0, 1, 2, 3, 4);
    }

    [AdapterFact]
    public async Task A_long_history_and_a_history_of_1_MiB_events_are_delivered_completely_before_CaughtUp()
    {
        var many = NewStream();
        for (var i = 0; i < 12; i++)
            await Store.AppendAsync(many, ExpectedRevision.Any, Enumerable.Range(0, 100).Select(_ => NewEvent()).ToList());
        var big = NewStream();
        for (var i = 0; i < 12; i++)
            await Store.AppendAsync(big, ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "blob.stored.v1", JsonStringOfSize(OneMiB), EventMetadata.Empty)]);

        await using var manySub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(many, null, ct));
        await using var bigSub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(big, null, ct));
        var manyMessages = await manySub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);
        var bigMessages = await bigSub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);

        manyMessages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.Revision).Should().Equal(Enumerable.Range(0, 1200).Select(i => (long)i));
        manyMessages[^1].Should().Be(new SubscriptionMessage.CaughtUp(1199));
        bigMessages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.Data.Length).Should().Equal(Enumerable.Repeat(OneMiB, 12));
        bigMessages[^1].Should().Be(new SubscriptionMessage.CaughtUp(11));
    }

    [AdapterFact]
    public async Task Cancelling_a_live_subscription_ends_it_with_OperationCanceledException()
    {
        var stream = NewStream();
        using var cancel = new CancellationTokenSource();
        var enumerator = Store.SubscribeToStreamAsync(stream, null, cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await enumerator.MoveNextAsync()).Should().BeTrue();
        enumerator.Current.Should().Be(new SubscriptionMessage.CaughtUp(null));

        var waiting = enumerator.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        await enumerator.DisposeAsync();
    }

    [AdapterFact]
    public async Task Stream_subscription_from_a_checkpoint_starts_after_it()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent(), NewEvent(), NewEvent(), NewEvent()]);

        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(stream, 1, ct));
        var messages = await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);

        messages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.Revision).Should().Equal(2, 3);
        messages[^1].Should().Be(new SubscriptionMessage.CaughtUp(3));
    }

    [AdapterFact]
    public async Task Subscription_to_a_stream_that_does_not_exist_yet_is_caught_up_at_once_and_sees_its_first_event()
    {
        var stream = NewStream();
        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(stream, null, ct));
        (await sub.WaitForAsync(m => m.Count >= 1, Patience)).Should().Equal(new SubscriptionMessage.CaughtUp(null));

        var first = NewEvent();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [first]);

        var messages = await sub.WaitForAsync(m => m.Count >= 2, Patience);
        messages[1].Should().BeOfType<SubscriptionMessage.Event>().Which.Recorded.EventId.Should().Be(first.EventId);
    }

    [AdapterFact]
    public async Task Filtered_all_subscription_resumes_after_the_consumers_checkpoint_with_matching_events_only()
    {
        var rooms = NewStream("room");
        await Store.AppendAsync(rooms, ExpectedRevision.NoStream, [NewEvent(), NewEvent(), NewEvent()]);
        await Store.AppendAsync(NewStream("other"), ExpectedRevision.NoStream, [NewEvent()]);
        var filter = EventFilter.StreamPrefix(_prefix + "room");
        var checkpoint = (await ReadAll(0, Direction.Forwards, 10, filter))[1].GlobalPosition;

        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToAllAsync(checkpoint, filter, ct));
        await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);
        await Store.AppendAsync(NewStream("other"), ExpectedRevision.NoStream, [NewEvent()]);
        await Store.AppendAsync(rooms, ExpectedRevision.Exact(2), [NewEvent()]);
        var messages = await sub.WaitForAsync(m => m.Count >= 3, Patience);

        messages.Should().HaveCount(3);
        var events = messages.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded).ToList();
        events.Select(e => (e.Stream, e.Revision)).Should().Equal((rooms, 2L), (rooms, 3L));
        messages[1].Should().Be(new SubscriptionMessage.CaughtUp(events[0].GlobalPosition));
    }

    /// <summary>
    /// Property: with many writers appending random batches to random streams (some retried), an all-stream
    /// subscription started from a random checkpoint in the middle of the history delivers exactly what ReadAll
    /// returns after that checkpoint: same events, same order, no gap, no duplicate, one CaughtUp after the history.
    /// Sparse: only one stream in twelve matches the filter, so most commits hold nothing for the subscription and it
    /// moves past them without a match (the store may skip such stretches; it must never skip a match).
    /// </summary>
    [AdapterTheory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    public async Task All_subscription_started_mid_history_under_concurrent_writers_delivers_exactly_ReadAll(int seed, bool sparse)
    {
        var rng = new Random(seed);
        var streams = Enumerable.Range(0, 12).Select(i => NewStream(sparse && i > 0 ? "miss" : "hit")).ToList();
        var plans = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 100)
            .Select(_ => (Stream: streams[rng.Next(streams.Count)], Size: rng.Next(1, 4), Retry: rng.Next(10) == 0)).ToList()).ToList();
        const int historyItems = 40;
        var filter = EventFilter.StreamPrefix(_prefix + "hit");

        await Task.WhenAll(plans.Select(p => RunPlan(p.Take(historyItems))));
        var history = await ReadAll(0, Direction.Forwards, int.MaxValue, filter);
        var checkpoint = history[rng.Next(history.Count / 2)].GlobalPosition;
        var historyAfterCheckpoint = history.Count(e => e.GlobalPosition > checkpoint);
        var consumerRng = new Random(seed * 7919);
        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToAllAsync(checkpoint, filter, ct),
            () => consumerRng.Next(40) == 0 ? Task.Delay(1) : Task.CompletedTask);

        await Task.WhenAll(plans.Select(p => Task.Run(() => RunPlan(p.Skip(historyItems)))));
        var expected = await ReadAll(checkpoint + 1, Direction.Forwards, int.MaxValue, filter);
        await sub.WaitForAsync(m => m.Count(x => x is SubscriptionMessage.Event) >= expected.Count, Patience);
        await Task.Delay(200);
        var messages = sub.Snapshot();

        expected.Should().HaveCount(history.Count - history.Count(e => e.GlobalPosition <= checkpoint)
            + plans.Sum(p => p.Skip(historyItems).Where(i => i.Stream == streams[0] || !sparse).Sum(i => i.Size)));
        messages.OfType<SubscriptionMessage.Event>().Select(e => (e.Recorded.GlobalPosition, e.Recorded.EventId))
            .Should().Equal(expected.Select(e => (e.GlobalPosition, e.EventId)));
        messages.OfType<SubscriptionMessage.CaughtUp>().Should().ContainSingle();
        messages.FindIndex(m => m is SubscriptionMessage.CaughtUp).Should().BeGreaterThanOrEqualTo(historyAfterCheckpoint);
    }

    /// <summary>Property: writers racing on one stream with exact expectations (losers re-read and retry); the stream subscription equals ReadStream.</summary>
    [AdapterTheory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Stream_subscription_under_racing_exact_writers_delivers_exactly_ReadStream(int seed)
    {
        var rng = new Random(seed);
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, Enumerable.Range(0, 20).Select(_ => NewEvent()).ToList());
        var afterRevision = rng.Next(0, 10);
        await using var sub = new SubscriptionCollector(ct => Store.SubscribeToStreamAsync(stream, afterRevision, ct));

        var sizes = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 15).Select(_ => rng.Next(1, 3)).ToList()).ToList();
        await Task.WhenAll(sizes.Select(writerSizes => Task.Run(async () =>
        {
            foreach (var size in writerSizes)
            {
                var batch = Enumerable.Range(0, size).Select(_ => NewEvent()).ToList();
                while (true)
                {
                    var head = (await ReadStream(stream, StreamPosition.End, Direction.Backwards, 1))[0].Revision;
                    try { await Store.AppendAsync(stream, ExpectedRevision.Exact(head), batch); break; }
                    catch (WrongExpectedRevisionException e) when (e.ActualRevision > head) { }
                }
            }
        })));
        var expected = await ReadStream(stream, afterRevision + 1);
        await sub.WaitForAsync(m => m.Count(x => x is SubscriptionMessage.Event) >= expected.Count, Patience);
        await Task.Delay(100);

        expected.Should().HaveCount(20 + sizes.Sum(s => s.Sum()) - afterRevision - 1);
        sub.Snapshot().OfType<SubscriptionMessage.Event>().Select(e => (e.Recorded.Revision, e.Recorded.EventId))
            .Should().Equal(expected.Select(e => (e.Revision, e.EventId)));
    }

    private async Task RunPlan(IEnumerable<(string Stream, int Size, bool Retry)> plan)
    {
        foreach (var (stream, size, retry) in plan)
        {
            var batch = Enumerable.Range(0, size).Select(_ => NewEvent()).ToList();
            var result = await Store.AppendAsync(stream, ExpectedRevision.Any, batch);
            if (retry)
                (await Store.AppendAsync(stream, ExpectedRevision.Any, batch)).Should().Be(result);
        }
    }
}
