using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Application.Runs;
using Quartz;

namespace PeerCode.Infrastructure.Runs.Jobs;

/// <summary>Where Quartz keeps its jobs: the embedded SQLite file, or a clustered PostgreSQL database (production).</summary>
public abstract record RunJobStore
{
    public sealed record Sqlite(string Path) : RunJobStore;

    /// <summary>
    /// Clustered: every node shares Quartz's tables (created on first start from the script embedded in Quartz.dll) and any
    /// node with a free thread picks up a run. Each node records that it is alive every <see cref="CheckinInterval"/>; a node
    /// silent for that plus <see cref="CheckinMisfireThreshold"/> is taken for dead and another node recovers its runs.
    /// Idle nodes look for new runs every <see cref="PollInterval"/> (Quartz's minimum is one second).
    /// </summary>
    public sealed record ClusteredPostgres(string ConnectionString) : RunJobStore
    {
        public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(5);
        public TimeSpan CheckinMisfireThreshold { get; init; } = TimeSpan.FromSeconds(10);
        public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    }
}

/// <summary>
/// Runs as Quartz.NET jobs. Each run is one job ("run-{runId}") with an immediate trigger, recovery requested (a job
/// whose node died is re-fired on recovery and then completes the run as failed with a reason), executed by at
/// most <c>maxConcurrency</c> runs at a time on this node (default: the core count).
/// </summary>
public sealed class RunScheduler : IAsyncDisposable
{
    private const string Group = "runs";
    private readonly IScheduler _scheduler;

    private RunScheduler(IScheduler scheduler) => _scheduler = scheduler;

    public IScheduler Scheduler => _scheduler;

    /// <summary>Builds the scheduler (creating the job store's tables if missing) without starting it.</summary>
    public static async Task<RunScheduler> CreateAsync(
        RunJobStore store, string instanceId, CodeRunner runner, IRunLifecycle lifecycle, TimeProvider time,
        int? maxConcurrency = null, ILoggerFactory? logs = null, CancellationToken ct = default)
    {
        logs ??= NullLoggerFactory.Instance;
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "peercode-runs";
                o.InstanceId = instanceId;
                // Without this an idle node of a cluster would notice runs queued on another node only every 30 s.
                if (store is RunJobStore.ClusteredPostgres pg) o.IdleWaitTime = pg.PollInterval;
            });
            q.UseDefaultThreadPool(maxConcurrency ?? Environment.ProcessorCount);
            q.UsePersistentStore(s =>
            {
                switch (store)
                {
                    case RunJobStore.Sqlite sqlite:
                        s.UseSqlite($"Data Source={sqlite.Path}");
                        break;
                    case RunJobStore.ClusteredPostgres pg:
                        s.UsePostgres(pg.ConnectionString);
                        s.UseClustering(c =>
                        {
                            c.CheckinInterval = pg.CheckinInterval;
                            c.CheckinMisfireThreshold = pg.CheckinMisfireThreshold;
                        });
                        break;
                }
                s.ProvisionSchema();
            });
            q.AddJobType<RunJob>(_ => new RunJob(runner, lifecycle, time, instanceId, logs.CreateLogger<RunJob>()));
        }).BuildScheduler(ct);
        return new RunScheduler(scheduler);
    }

    /// <summary>Starts executing queued runs, including those queued before a restart.</summary>
    public async Task StartAsync(CancellationToken ct = default) => await _scheduler.Start(ct);

    /// <summary>Queues a run; it survives a restart of this node (the trigger is in the job store).</summary>
    public async Task EnqueueAsync(string roomId, string runId, CancellationToken ct = default)
    {
        var job = JobBuilder.Create<RunJob>()
            .WithIdentity("run-" + runId, Group)
            .UsingJobData(RunJob.RoomIdKey, roomId)
            .UsingJobData(RunJob.RunIdKey, runId)
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create().WithIdentity("run-" + runId, Group).StartNow().Build();
        await _scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
    }

    public async ValueTask DisposeAsync() => await _scheduler.Shutdown(waitForJobsToComplete: true);
}
