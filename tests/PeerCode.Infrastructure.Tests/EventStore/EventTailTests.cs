using System.Text;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>
/// The embedded store's shared tail (EventTail): live $all subscriptions are served from one read per commit, and a
/// subscription the bounded tail no longer reaches reads its own pages without losing or repeating anything.
/// </summary>
public sealed class EventTailTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SqliteTestStore _store = new();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static EventData NewEvent(string type = "test.happened.v1") => new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes("{}"), EventMetadata.Empty);

    private static int Events(List<SubscriptionMessage> messages) => messages.Count(m => m is SubscriptionMessage.Event);

    [Fact]
    public async Task Six_live_subscriptions_cost_about_one_read_per_commit_not_one_each()
    {
        var store = _store.Store;
        var filters = new[]
        {
            EventFilter.StreamPrefix("room-"), EventFilter.StreamPrefix("run-"), EventFilter.Types("a.v1", "b.v1"),
            EventFilter.Types("never.v1"), new EventFilter(["room-"], ["b.v1"]), null,
        };
        var subs = filters.Select(f => new SubscriptionCollector(ct => store.SubscribeToAllAsync(null, f, ct))).ToList();
        try
        {
            foreach (var sub in subs) await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);
            var readsBefore = store.TailReads;
            const int commits = 60;
            for (var i = 0; i < commits; i++)
            {
                await store.AppendAsync((i % 2 == 0 ? "room-" : "run-") + (i % 5), ExpectedRevision.Any, [NewEvent(i % 3 == 0 ? "a.v1" : "b.v1")]);
                // Every subscription has had its chance at this commit before the next one is made.
                await subs[5].WaitForAsync(m => Events(m) == i + 1, Patience);
                await Task.Delay(2);
            }
            await subs[0].WaitForAsync(m => Events(m) == commits / 2, Patience);
            await subs[1].WaitForAsync(m => Events(m) == commits / 2, Patience);
            await subs[2].WaitForAsync(m => Events(m) == commits, Patience);
            await subs[4].WaitForAsync(m => Events(m) == Enumerable.Range(0, commits).Count(i => i % 2 == 0 && i % 3 != 0), Patience);
            await Task.Delay(100);

            subs[3].Snapshot().Should().ContainSingle("a filter that matches nothing sees only CaughtUp");
            var reads = store.TailReads - readsBefore;
            // One read per commit, one more when the poller notices the same commit through the file: never one per subscription.
            reads.Should().BeGreaterThanOrEqualTo(commits / 2, "live subscriptions are served by the tail").And.BeLessThanOrEqualTo(2 * commits + 5);
        }
        finally
        {
            foreach (var sub in subs) await sub.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_subscription_left_behind_by_the_tail_catches_up_from_the_file_with_nothing_lost_or_repeated()
    {
        var store = _store.Store;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumed = 0;
        await using var keepsTailMoving = new SubscriptionCollector(ct => store.SubscribeToAllAsync(null, null, ct));
        await using var slow = new SubscriptionCollector(ct => store.SubscribeToAllAsync(null, EventFilter.StreamPrefix("room-"), ct),
            () => Interlocked.Increment(ref consumed) == 2 ? gate.Task : Task.CompletedTask); // stalls after the first event
        await keepsTailMoving.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);
        await slow.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), Patience);

        var total = 0;
        for (var batch = 0; total < EventTail.Capacity + 500; batch++)
        {
            var size = 1 + batch % 97;
            await store.AppendAsync($"room-{batch % 7}", ExpectedRevision.Any, Enumerable.Range(0, size).Select(_ => NewEvent()).ToList());
            await store.AppendAsync($"other-{batch % 3}", ExpectedRevision.Any, [NewEvent()]);
            total += size + 1;
        }
        await keepsTailMoving.WaitForAsync(m => Events(m) == total, Patience);
        gate.SetResult();

        var expected = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllAsync(0, Direction.Forwards, int.MaxValue, EventFilter.StreamPrefix("room-"))) expected.Add(e);
        var messages = await slow.WaitForAsync(m => Events(m) >= expected.Count, Patience);
        await Task.Delay(100);

        slow.Snapshot().OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.EventId).Should().Equal(expected.Select(e => e.EventId));
        messages.OfType<SubscriptionMessage.CaughtUp>().Should().ContainSingle();
    }
}
