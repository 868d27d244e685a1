using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>What only the embedded adapter promises: the file, durability across reopen, group commit, limits from options, DI and health.</summary>
public sealed class SqliteEventStoreTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private SqliteEventStore Open(int maxEventBytes = 1024 * 1024) =>
        new(new EventStoreOptions { DataDirectory = _directory.Path, MaxEventBytes = maxEventBytes });

    private static EventData NewEvent(string data = "{\"n\":1}") => new(Guid.NewGuid(), "test.happened.v1", Encoding.UTF8.GetBytes(data), EventMetadata.Empty);

    [Fact]
    public async Task The_store_is_one_WAL_file_named_events_db_in_the_data_directory()
    {
        await using var store = Open();
        await store.AppendAsync("s-1", ExpectedRevision.NoStream, [NewEvent()]);

        store.DatabasePath.Should().Be(Path.Combine(_directory.Path, "events.db"));
        File.Exists(store.DatabasePath).Should().BeTrue();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        command.ExecuteScalar().Should().Be("wal");
    }

    [Fact]
    public async Task Events_survive_dispose_and_reopen_and_new_appends_continue_after_them()
    {
        AppendResult first;
        var events = Enumerable.Range(0, 5).Select(i => NewEvent($"{{\"i\":{i}}}")).ToList();
        await using (var store = Open())
            first = await store.AppendAsync("room-1", ExpectedRevision.NoStream, events);

        await using var reopened = Open();
        var stored = await ToList(reopened.ReadStreamAsync("room-1", 0, Direction.Forwards, 100));
        var next = await reopened.AppendAsync("room-1", ExpectedRevision.Exact(4), [NewEvent()]);

        stored.Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        stored[^1].GlobalPosition.Should().Be(first.GlobalPosition);
        next.Should().Be(new AppendResult(5, first.GlobalPosition + 1));
        (await reopened.AppendAsync("room-1", ExpectedRevision.NoStream, events)).Should().Be(first, "idempotency survives a restart");
    }

    [Fact]
    public async Task Dispose_commits_every_append_already_queued_and_later_appends_fail_clearly()
    {
        var store = Open();
        var appends = Enumerable.Range(0, 300).Select(i => store.AppendAsync($"s-{i % 7}", ExpectedRevision.Any, [NewEvent()])).ToList();

        await store.DisposeAsync();

        (await Task.WhenAll(appends)).Should().HaveCount(300);
        var late = () => store.AppendAsync("s-1", ExpectedRevision.Any, [NewEvent()]);
        await late.Should().ThrowAsync<EventStoreUnavailableException>();
        await using var reopened = Open();
        (await ToList(reopened.ReadAllAsync(0, Direction.Forwards, 1000))).Should().HaveCount(300);
    }

    [Fact]
    public async Task Closing_the_store_ends_open_subscriptions_with_EventStoreUnavailable()
    {
        var store = Open();
        var enumerator = store.SubscribeToAllAsync(null, null, CancellationToken.None).GetAsyncEnumerator();
        (await enumerator.MoveNextAsync()).Should().BeTrue();
        var waiting = enumerator.MoveNextAsync().AsTask();

        await store.DisposeAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<EventStoreUnavailableException>();
        await enumerator.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_appends_are_group_committed_into_fewer_transactions()
    {
        await using var store = Open();
        var before = store.Transactions;

        // 400 callers arrive while earlier transactions are being made durable
        var appends = Enumerable.Range(0, 400).Select(i => store.AppendAsync($"s-{i}", ExpectedRevision.NoStream, [NewEvent()])).ToList();
        var results = await Task.WhenAll(appends);

        results.Select(r => r.GlobalPosition).Should().OnlyHaveUniqueItems();
        store.AppendsCommitted.Should().Be(400);
        (store.Transactions - before).Should().BeLessThan(200, "appends waiting together share one transaction");
    }

    [Fact]
    public async Task A_commit_of_another_writer_right_after_ours_reaches_our_subscription_once_our_writer_is_idle()
    {
        // Two stores on one file have separate connections and writers, as two processes do. The watcher skips its
        // poll while this store's writer commits (that commit's signal covers what was before it); a foreign commit
        // that lands just after ours, with nothing after it, must still be noticed by the next poll.
        await using var mine = Open();
        await using var other = Open();
        await mine.AppendAsync("mine", ExpectedRevision.NoStream, [NewEvent()]);
        await using var sub = new SubscriptionCollector(ct => mine.SubscribeToAllAsync(mine.ReadLastPosition(), null, ct));
        await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), TimeSpan.FromSeconds(10));

        for (var i = 0; i < 20; i++)
        {
            var n = i + 1;
            await mine.AppendAsync("mine", ExpectedRevision.Exact(i), [NewEvent()]);
            // delivered, so what our commit's signal made the subscription read is behind us
            await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.Event>().Count(e => e.Recorded.Stream == "mine") >= n, TimeSpan.FromSeconds(5));
            await other.AppendAsync("other", i == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(i - 1), [NewEvent()]);
            await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.Event>().Count(e => e.Recorded.Stream == "other") >= n, TimeSpan.FromSeconds(5));
        }

        var all = await ToList(mine.ReadAllAsync(1, Direction.Forwards, 100));
        sub.Snapshot().OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.GlobalPosition).Should().Equal(all.Select(e => e.GlobalPosition).Skip(1));
    }

    [Fact]
    public async Task Conflicting_appends_fail_alone_while_the_rest_of_their_batch_commits()
    {
        await using var store = Open();
        for (var i = 0; i < 50; i++) await store.AppendAsync($"s-{i}", ExpectedRevision.NoStream, [NewEvent()]);
        var gate = new TaskCompletionSource();
        var appends = Enumerable.Range(0, 50).Select(async i =>
        {
            await gate.Task;
            // even streams: right expectation; odd streams: stale (NoStream on an existing stream)
            var expected = i % 2 == 0 ? ExpectedRevision.Exact(0) : ExpectedRevision.NoStream;
            try { await store.AppendAsync($"s-{i}", expected, [NewEvent()]); return "ok"; }
            catch (WrongExpectedRevisionException e) when (e.ActualRevision == 0) { return "conflict"; }
        }).ToList();
        gate.SetResult();

        var outcomes = await Task.WhenAll(appends);

        outcomes.Where((_, i) => i % 2 == 0).Should().OnlyContain(o => o == "ok");
        outcomes.Where((_, i) => i % 2 == 1).Should().OnlyContain(o => o == "conflict");
        for (var i = 0; i < 50; i++)
            (await ToList(store.ReadStreamAsync($"s-{i}", 0, Direction.Forwards, 10))).Should().HaveCount(i % 2 == 0 ? 2 : 1);
    }

    [Fact]
    public async Task The_event_size_limit_is_configurable_and_stream_names_are_limited_to_200_characters()
    {
        await using var store = Open(maxEventBytes: 1000);
        var atLimit = new string('a', 998);

        await store.AppendAsync("s", ExpectedRevision.Any, [NewEvent($"\"{atLimit}\"")]);
        var over = () => store.AppendAsync("s", ExpectedRevision.Any, [NewEvent($"\"{atLimit}a\"")]);
        await store.AppendAsync(new string('n', 200), ExpectedRevision.Any, [NewEvent()]);
        var longName = () => store.AppendAsync(new string('n', 201), ExpectedRevision.Any, [NewEvent()]);

        (await over.Should().ThrowAsync<InvalidAppendException>()).Which.Message.Should().Contain("1001 bytes").And.Contain("1000");
        (await longName.Should().ThrowAsync<InvalidAppendException>()).Which.Message.Should().Contain("201 characters");
        (await ToList(store.ReadAllAsync(0, Direction.Forwards, 10))).Should().HaveCount(2);
    }

    [Fact]
    public async Task AddPeerCodeEventStore_reads_its_configuration_and_registers_the_store_and_its_health_check()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PeerCode:DataDirectory"] = _directory.Path,
            ["EventStore:MaxEventBytes"] = "2048",
            ["EventStore:MaxStreamNameLength"] = "50",
        }).Build();
        var services = new ServiceCollection().AddPeerCodeEventStore(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<EventStoreOptions>();
        var store = provider.GetRequiredService<IEventStore>();
        await store.AppendAsync("s", ExpectedRevision.Any, [NewEvent()]);
        var check = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single(r => r.Name == "eventstore");
        var result = await check.Factory(provider).CheckHealthAsync(new HealthCheckContext { Registration = check });

        options.Should().Be(new EventStoreOptions { DataDirectory = _directory.Path, MaxEventBytes = 2048, MaxStreamNameLength = 50 });
        store.Should().BeSameAs(provider.GetRequiredService<SqliteEventStore>());
        result.Status.Should().Be(HealthStatus.Healthy);
        result.Data["path"].Should().Be(Path.Combine(_directory.Path, "events.db"));
        result.Data["lastPosition"].Should().Be(1L);
        result.Data["writerQueueLength"].Should().Be(0);
    }

    [Fact]
    public void AddPeerCodeEventStore_rejects_a_limit_that_is_not_a_positive_number()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EventStore:MaxEventBytes"] = "lots",
        }).Build();

        var act = () => new ServiceCollection().AddPeerCodeEventStore(configuration);

        act.Should().Throw<InvalidOperationException>().WithMessage("*EventStore:MaxEventBytes*lots*");
    }

    [Fact]
    public async Task The_health_check_turns_unhealthy_once_the_store_is_closed()
    {
        var store = Open();
        var check = new SqliteEventStoreHealthCheck(store);
        (await check.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy);

        await store.DisposeAsync();

        (await check.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Unhealthy);
    }

    private static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
