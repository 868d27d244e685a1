using FluentAssertions;
using PeerCode.Benchmarks.Projections;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Jobs;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

/// <summary>What every job store must give the run scheduler, run once per store: a fresh, empty store per test.</summary>
public abstract class RunSchedulerStoreContract(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    protected abstract RunJobStore NewStore();

    private static RequestRun Request(string runId, string code) => new(runId, "python", code, "", [], "alice", 10, T0);

    [Fact]
    public async Task Queued_runs_survive_a_restart_of_the_scheduler()
    {
        var store = NewStore();
        var lifecycle = new InMemoryRunLifecycle();
        lifecycle.Request("room-1", Request("r1", "print('after restart')\n"));

        await using (var first = await RunScheduler.CreateAsync(store, "node-a", fx.Runner(), lifecycle, TimeProvider.System))
        {
            await first.EnqueueAsync("room-1", "r1");
        }
        lifecycle.Events("room-1").OfType<RunStarted>().Should().BeEmpty("the first scheduler was never started");

        lifecycle.ExpectCompletions(1);
        await using (var second = await RunScheduler.CreateAsync(store, "node-a", fx.Runner(), lifecycle, TimeProvider.System))
        {
            await second.StartAsync();
            await lifecycle.AllCompleted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var events = lifecycle.Events("room-1");
        events.OfType<RunCompleted>().Single().Verdict.Should().Be(RunVerdict.Ok);
        string.Concat(events.OfType<RunOutput>().Select(o => o.Text)).Should().Be("after restart\n");
    }

    [Fact]
    public async Task The_scheduler_runs_at_most_its_concurrency_limit_at_once()
    {
        var lifecycle = new InMemoryRunLifecycle();
        for (var i = 0; i < 4; i++) lifecycle.Request("room-1", Request($"r{i}", "import time\ntime.sleep(1.2)\n"));
        lifecycle.ExpectCompletions(4);

        await using (var scheduler = await RunScheduler.CreateAsync(NewStore(), "node-a", fx.Runner(), lifecycle, TimeProvider.System, maxConcurrency: 2))
        {
            await scheduler.StartAsync();
            for (var i = 0; i < 4; i++) await scheduler.EnqueueAsync("room-1", $"r{i}");
            await lifecycle.AllCompleted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        lifecycle.Events("room-1").OfType<RunCompleted>().Should().HaveCount(4).And.AllSatisfy(c => c.Verdict.Should().Be(RunVerdict.Ok));
        lifecycle.MaxConcurrentlyRunning.Should().Be(2);
    }
}

public sealed class SqliteRunSchedulerStoreTests(SandboxFixture fx) : RunSchedulerStoreContract(fx), IDisposable
{
    private readonly List<string> _files = [];

    protected override RunJobStore NewStore()
    {
        var path = Path.Combine(Path.GetTempPath(), $"peercode-quartz-{Guid.NewGuid():N}.db");
        _files.Add(path);
        return new RunJobStore.Sqlite(path);
    }

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }
}

public sealed class ClusteredPostgresRunSchedulerStoreTests(SandboxFixture fx) : RunSchedulerStoreContract(fx)
{
    protected override RunJobStore NewStore() => new RunJobStore.ClusteredPostgres(PostgresCluster.Instance.NewSchema())
    {
        CheckinInterval = TimeSpan.FromSeconds(1), CheckinMisfireThreshold = TimeSpan.FromSeconds(1),
    };
}
