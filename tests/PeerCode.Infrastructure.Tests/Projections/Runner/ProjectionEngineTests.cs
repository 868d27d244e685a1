using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Application.EventStore;
using PeerCode.Benchmarks.Projections;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Infrastructure.Tests.EventStore;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Runner;

public sealed class ProjectionEngineSqliteTests : ProjectionEngineTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class ProjectionEnginePostgresTests : ProjectionEngineTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

/// <summary>The engine over the real embedded event store: live catch-up, lag, rebuilds while appends continue.</summary>
public abstract class ProjectionEngineTests : IAsyncLifetime
{
    private readonly TempDataDirectory _dir = new();
    private readonly List<IReadModelStore> _stores = [];
    private SqliteEventStore _events = null!;

    protected abstract ReadModelProvider Provider { get; }

    public Task InitializeAsync()
    {
        _events = new SqliteEventStore(new EventStoreOptions { DataDirectory = _dir.Path });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _stores.OfType<IAsyncDisposable>()) await s.DisposeAsync();
        await _events.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<ProjectionEngine> EngineAsync(int batchSize = 500)
    {
        var store = ReadModelStores.Create(Provider);
        _stores.Add(store);
        var engine = new ProjectionEngine(_events, store, AllProjections.Create(),
            new ProjectionOptions { BatchSize = batchSize, RetryDelay = TimeSpan.FromMilliseconds(50), IdleCheckInterval = TimeSpan.FromMilliseconds(200) },
            NullLoggerFactory.Instance);
        await engine.MigrateAsync();
        return engine;
    }

    private static Task CaughtUpAsync(ProjectionEngine engine) =>
        engine.WaitUntilCaughtUpAsync(TimeSpan.FromMilliseconds(50), null, new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

    [Fact]
    public async Task Live_events_reach_the_read_models_and_the_lag_falls_to_zero()
    {
        var engine = await EngineAsync();
        using var stop = new CancellationTokenSource();
        var running = engine.RunAsync(stop.Token);
        var room = Guid.NewGuid();
        await _events.AppendAsync(HistoryGenerator.RoomStream(room), ExpectedRevision.NoStream,
            [new EventData(Guid.NewGuid(), "room.created.v1", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { roomId = room, title = "Live", language = "go", at = DateTimeOffset.UtcNow }, System.Text.Json.JsonSerializerOptions.Web), EventMetadata.Empty)]);

        await CaughtUpAsync(engine);

        await using (var c = await engine.Store.OpenAsync())
            (await Dapper.SqlMapper.QuerySingleAsync<RoomRow>(c, "SELECT * FROM rooms")).Title.Should().Be("Live");
        var status = await engine.StatusAsync();
        status.Single(s => s.Name == "rooms").Should().Match<ProjectionStatus>(s => s.Lag == 0 && s.Position == s.HeadPosition && s.Position >= 0 && s.EventsProcessed == 1 && !s.Rebuilding);
        status.Single(s => s.Name == "runs").Should().Match<ProjectionStatus>(s => s.Lag == 0 && s.Position == -1 && s.HeadPosition == -1);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_rebuild_gives_the_same_rows_as_the_incremental_run_and_a_rebuild_during_live_appends_matches_a_fresh_replay()
    {
        var generator = new HistoryGenerator(seed: 7, chunkSize: 20);
        var history = generator.Generate(12_000).ToList();
        var engine = await EngineAsync(batchSize: 300);
        using var stop = new CancellationTokenSource();
        var running = engine.RunAsync(stop.Token);

        // Incremental: the engine follows appends as they happen (small batches, live).
        foreach (var (stream, events) in history.Take(history.Count * 2 / 3))
            await _events.AppendAsync(stream, ExpectedRevision.Any, events);
        await CaughtUpAsync(engine);
        var incremental = await ReadModelSnapshot.TakeAsync(engine.Store, engine.Projections);
        incremental["runs"].Should().NotBeEmpty();
        incremental["participant_activity"].Should().NotBeEmpty();

        await engine.RebuildAsync(null);
        await CaughtUpAsync(engine);
        (await ReadModelSnapshot.TakeAsync(engine.Store, engine.Projections)).ShouldEqual(incremental);

        // Rebuild again while the rest of the history is being appended.
        await engine.RebuildAsync(["activity", "questions"]);
        foreach (var (stream, events) in history.Skip(history.Count * 2 / 3))
            await _events.AppendAsync(stream, ExpectedRevision.Any, events);
        await CaughtUpAsync(engine);
        var rebuiltLive = await ReadModelSnapshot.TakeAsync(engine.Store, engine.Projections);
        await stop.CancelAsync();
        await running;

        var fresh = await EngineAsync(batchSize: 5000);
        using var stopFresh = new CancellationTokenSource();
        var freshRun = fresh.RunAsync(stopFresh.Token);
        await CaughtUpAsync(fresh);
        (await ReadModelSnapshot.TakeAsync(fresh.Store, fresh.Projections)).ShouldEqual(rebuiltLive);
        await stopFresh.CancelAsync();
        await freshRun;
    }

    [Fact]
    public async Task Two_engines_on_one_read_model_store_never_count_an_event_twice()
    {
        await new HistoryGenerator(seed: 11).AppendAsync(_events, 3_000);
        var store = ReadModelStores.Create(Provider);
        _stores.Add(store);
        var options = new ProjectionOptions { BatchSize = 64, RetryDelay = TimeSpan.FromMilliseconds(20), IdleCheckInterval = TimeSpan.FromMilliseconds(100) };
        var a = new ProjectionEngine(_events, store, AllProjections.Create(), options, NullLoggerFactory.Instance);
        var b = new ProjectionEngine(_events, store, AllProjections.Create(), options, NullLoggerFactory.Instance);
        await a.MigrateAsync();
        await b.MigrateAsync();
        using var stop = new CancellationTokenSource();
        var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };
        await CaughtUpAsync(a);
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        var single = await EngineAsync(batchSize: 5000);
        using var stopSingle = new CancellationTokenSource();
        var run = single.RunAsync(stopSingle.Token);
        await CaughtUpAsync(single);
        (await ReadModelSnapshot.TakeAsync(store, a.Projections)).ShouldEqual(await ReadModelSnapshot.TakeAsync(single.Store, single.Projections));
        (await a.StatusAsync()).Sum(s => s.EventsProcessed).Should().Be((await single.StatusAsync()).Sum(s => s.EventsProcessed));
        await stopSingle.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Rebuilding_an_unknown_projection_is_a_typed_error_that_resets_nothing()
    {
        await new HistoryGenerator(seed: 3).AppendAsync(_events, 500);
        var engine = await EngineAsync();
        using var stop = new CancellationTokenSource();
        var running = engine.RunAsync(stop.Token);
        await CaughtUpAsync(engine);
        var before = await ReadModelSnapshot.TakeAsync(engine.Store, engine.Projections);

        var act = () => engine.RebuildAsync(["rooms", "nope"]);

        (await act.Should().ThrowAsync<UnknownProjectionException>()).Which.Message.Should().Contain("nope").And.Contain("timeline");
        (await ReadModelSnapshot.TakeAsync(engine.Store, engine.Projections)).ShouldEqual(before);
        (await engine.StatusAsync()).Should().OnlyContain(s => !s.Rebuilding);
        await stop.CancelAsync();
        await running;
    }
}
