using System.Collections.Concurrent;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PeerCode.Application.Runs;
using PeerCode.Benchmarks.Projections;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Jobs;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

/// <summary>
/// Two RunSchedulers ("nodes", distinct instance ids) on one clustered PostgreSQL job store: the throwaway cluster the
/// projection tests use, one fresh schema per test, Quartz's tables provisioned by the schedulers themselves. Check-in
/// and poll intervals are short so that a dead node is noticed within a few seconds.
/// </summary>
public sealed class ClusteredPostgresRunSchedulerTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static RunJobStore.ClusteredPostgres Store(string connectionString) => new(connectionString)
    {
        CheckinInterval = TimeSpan.FromSeconds(1),
        CheckinMisfireThreshold = TimeSpan.FromSeconds(1),
        PollInterval = TimeSpan.FromSeconds(1),
    };

    private static RequestRun Request(string runId, string code) => new(runId, "python", code, "", [], "alice", 100, T0);

    [Fact]
    public async Task Runs_queued_through_one_node_are_each_executed_exactly_once_spread_over_both_nodes()
    {
        var db = PostgresCluster.Instance.NewSchema();
        var lifecycle = new CountingLifecycle();
        const int runs = 8;
        for (var i = 0; i < runs; i++) lifecycle.Inner.Request("room-1", Request($"r{i}", "import time\ntime.sleep(1)\nprint('done')\n"));
        lifecycle.Inner.ExpectCompletions(runs);

        await using var a = await RunScheduler.CreateAsync(Store(db), "node-a", fx.Runner(), lifecycle, TimeProvider.System, maxConcurrency: 2);
        await using var b = await RunScheduler.CreateAsync(Store(db), "node-b", fx.Runner(), lifecycle, TimeProvider.System, maxConcurrency: 2);
        await a.StartAsync();
        await b.StartAsync();
        (await a.Scheduler.GetMetadata()).JobStoreClustered.Should().BeTrue();
        for (var i = 0; i < runs; i++) await a.EnqueueAsync("room-1", $"r{i}");
        await lifecycle.Inner.AllCompleted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var events = lifecycle.Inner.Events("room-1");
        for (var i = 0; i < runs; i++)
        {
            var runId = $"r{i}";
            lifecycle.Starts.Where(s => s.RunId == runId).Should().ContainSingle($"{runId} is fired on exactly one node, once");
            events.OfType<RunCompleted>().Where(c => c.RunId == runId).Should().ContainSingle().Which.Verdict.Should().Be(RunVerdict.Ok);
        }
        var byNode = events.OfType<RunStarted>().GroupBy(s => s.Node).ToDictionary(g => g.Key, g => g.Count());
        byNode.Keys.Should().BeEquivalentTo(["node-a", "node-b"], "node-b has free threads while node-a's two are busy");
        lifecycle.Inner.MaxConcurrentlyRunning.Should().BeGreaterThan(2, "two nodes of two threads run more than one node could");
        // A job's fired trigger and the job itself are released just after the job returns (after its RunCompleted).
        (await QuartzRowsOnceSettled(db, "qrtz_fired_triggers", 0)).Should().Be(0, "every fired run was completed in the job store");
        (await QuartzRowsOnceSettled(db, "qrtz_job_details", 0)).Should().Be(0, "a run's job is removed once it ran");
        (await QuartzRows(db, "qrtz_scheduler_state")).Should().Be(2, "both nodes checked in");
        var schema = new NpgsqlConnectionStringBuilder(db).SearchPath!;
        (await Scalar(db, $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name LIKE 'qrtz\\_%'"))
            .Should().BeGreaterThan(10, "Quartz provisioned its tables in the connection's search-path schema");
        (await Scalar(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'qrtz\\_%'"))
            .Should().Be(0);
    }

    [Fact]
    public async Task A_run_whose_node_died_mid_run_is_recovered_by_the_other_node_and_completed_as_failed_never_left_running()
    {
        var db = PostgresCluster.Instance.NewSchema();
        var schema = new NpgsqlConnectionStringBuilder(db).SearchPath!;
        // node-a connects as its own role, so that "dying" can cut it off the database: it stops checking in and can
        // never finish its job in the store, as a crashed machine would.
        var role = "node_a_" + Guid.NewGuid().ToString("N")[..8];
        await Sql(db, $"CREATE ROLE {role} LOGIN; GRANT ALL ON SCHEMA {schema} TO {role}; " +
                      $"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT ALL ON TABLES TO {role}");
        var dbA = new NpgsqlConnectionStringBuilder(db) { Username = role, Pooling = false }.ConnectionString;
        var lifecycle = new CountingLifecycle();
        // The run outlasts the dead node's detection (about 1 s + 1 s + a poll) by a wide margin even on a loaded machine.
        var longWall = RunLimits.Default with { Run = RunLimits.Default.Run with { WallMs = 25_000 } };
        lifecycle.Inner.Request("room-1", Request("r1", "import time\ntime.sleep(12)\nprint('too late')\n"));
        lifecycle.Inner.ExpectCompletions(1);

        var dying = await RunScheduler.CreateAsync(Store(dbA), "node-a", fx.Runner(longWall), lifecycle, TimeProvider.System, maxConcurrency: 1);
        await using var survivor = await RunScheduler.CreateAsync(Store(db), "node-b", fx.Runner(longWall), lifecycle, TimeProvider.System, maxConcurrency: 1);
        await dying.StartAsync();
        await dying.EnqueueAsync("room-1", "r1");
        for (var i = 0; i < 400 && !lifecycle.Inner.Events("room-1").OfType<RunStarted>().Any(); i++) await Task.Delay(25);
        lifecycle.Inner.Events("room-1").OfType<RunStarted>().Should().ContainSingle().Which.Node.Should().Be("node-a");
        (await QuartzRows(db, "qrtz_fired_triggers")).Should().Be(1, "node-a holds the run's fired trigger");

        // node-a "dies": its sessions are killed and it may not log in again. Only then does node-b start.
        await Sql(db, $"ALTER ROLE {role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'");
        await survivor.StartAsync();
        await lifecycle.Inner.AllCompleted.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var completed = lifecycle.Inner.Events("room-1").OfType<RunCompleted>().Single();
        completed.Verdict.Should().Be(RunVerdict.InternalError);
        completed.Detail.Should().Contain("stopped before it finished");
        lifecycle.Abandons.Should().ContainSingle().Which.Should().Be("r1");
        (await survivor.Scheduler.GetMetadata()).JobsExecuted.Should().Be(1, "node-b ran the recovered job");
        (await QuartzRowsOnceSettled(db, "qrtz_fired_triggers", 0)).Should().Be(0, "node-b removed the dead node's fired trigger and completed the recovery");

        // The dead node's sandboxed program still finishes; its completion is refused, the run stays failed.
        for (var i = 0; i < 1000 && !lifecycle.RefusedCompletions.Any(); i++) await Task.Delay(25);
        lifecycle.RefusedCompletions.Should().ContainSingle().Which.Should().Be("r1");
        lifecycle.Inner.Events("room-1").OfType<RunCompleted>().Should().ContainSingle();
        await dying.Scheduler.Shutdown(waitForJobsToComplete: false).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_configured_job_store_binds_from_its_keys_and_refuses_incomplete_settings_naming_the_key()
    {
        static RunJobStore Bind(Dictionary<string, string?> keys) =>
            new ConfigurationBuilder().AddInMemoryCollection(keys).Build()
                .GetSection(RunJobStoreSettings.Section).Get<RunJobStoreSettings>()!.ToStore("/data/jobs.db");

        Bind(new() { ["PeerCode:Runs:JobStore:Provider"] = "sqlite" }).Should().Be(new RunJobStore.Sqlite("/data/jobs.db"));
        Bind(new()
        {
            ["PeerCode:Runs:JobStore:Provider"] = "postgres",
            ["PeerCode:Runs:JobStore:ConnectionString"] = "Host=db;Username=quartz",
            ["PeerCode:Runs:JobStore:CheckinInterval"] = "00:00:02",
            ["PeerCode:Runs:JobStore:CheckinMisfireThreshold"] = "00:00:03",
            ["PeerCode:Runs:JobStore:PollInterval"] = "00:00:04",
        }).Should().Be(new RunJobStore.ClusteredPostgres("Host=db;Username=quartz")
        {
            CheckinInterval = TimeSpan.FromSeconds(2), CheckinMisfireThreshold = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromSeconds(4),
        });

        FluentActions.Invoking(() => Bind(new() { ["PeerCode:Runs:JobStore:Provider"] = "postgres" }))
            .Should().Throw<InvalidOperationException>().WithMessage("PeerCode:Runs:JobStore:ConnectionString is required*");
        FluentActions.Invoking(() => Bind(new() { ["PeerCode:Runs:JobStore:Provider"] = "mysql" }))
            .Should().Throw<InvalidOperationException>().WithMessage("PeerCode:Runs:JobStore:Provider 'mysql' is not known*");
        FluentActions.Invoking(() => Bind(new()
            {
                ["PeerCode:Runs:JobStore:Provider"] = "postgres", ["PeerCode:Runs:JobStore:ConnectionString"] = "Host=db",
                ["PeerCode:Runs:JobStore:PollInterval"] = "00:00:00.200",
            }))
            .Should().Throw<InvalidOperationException>().WithMessage("PeerCode:Runs:JobStore:PollInterval must be at least*");
    }

    private static async Task Sql(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The row count once it equals <paramref name="expected"/>, or after 5 s whatever it is then.</summary>
    private static async Task<long> QuartzRowsOnceSettled(string connectionString, string table, long expected)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await QuartzRows(connectionString, table) == expected) return expected;
            await Task.Delay(25);
        }
        return await QuartzRows(connectionString, table);
    }

    private static Task<long> QuartzRows(string connectionString, string table) => Scalar(connectionString, $"SELECT count(*) FROM {table}");

    private static async Task<long> Scalar(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The in-memory lifecycle, recording every StartRun and AbandonRun asked for (accepted or not) and every refused completion.</summary>
    private sealed class CountingLifecycle : IRunLifecycle
    {
        public InMemoryRunLifecycle Inner { get; } = new();
        public ConcurrentQueue<(string RunId, string Node)> Starts { get; } = new();
        public ConcurrentQueue<string> Abandons { get; } = new();
        public ConcurrentQueue<string> RefusedCompletions { get; } = new();

        public Task<RunRequested?> GetRequestAsync(string roomId, string runId, CancellationToken ct) => Inner.GetRequestAsync(roomId, runId, ct);

        public async Task<RunDecision> HandleAsync(string roomId, RunCommand command, CancellationToken ct)
        {
            if (command is StartRun start) Starts.Enqueue((start.RunId, start.Node));
            if (command is AbandonRun abandon) Abandons.Enqueue(abandon.RunId);
            var decision = await Inner.HandleAsync(roomId, command, ct);
            if (command is CompleteRun complete && !decision.Accepted) RefusedCompletions.Enqueue(complete.RunId);
            return decision;
        }
    }
}
