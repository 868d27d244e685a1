using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Jobs;

namespace PeerCode.Web.Runs;

/// <summary>Configuration section "PeerCode:Runs".</summary>
public sealed class RunOptions
{
    /// <summary>Runs executing at once on this node (Quartz thread pool); 0 = the core count.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>Runs of one room requested but not finished; one more is refused with too-many-runs.</summary>
    public int MaxUnfinishedPerRoom { get; set; } = 3;

    /// <summary>The Quartz SQLite job store, relative to PeerCode:DataDirectory.</summary>
    public string JobStoreFile { get; set; } = "jobs.db";
}

public static class RunsModule
{
    public static IServiceCollection AddPeerCodeRuns(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RunOptions>(configuration.GetSection("PeerCode:Runs"));
        services.AddSingleton<IRunLifecycle>(sp => new EventStoreRunLifecycle(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<NodeIdentity>().NodeId));
        var jobStore = configuration.GetSection(RunJobStoreSettings.Section).Get<RunJobStoreSettings>() ?? new RunJobStoreSettings();
        services.AddSingleton(sp => new RunSchedulerHost(
            sp, Path.GetFullPath(configuration["PeerCode:DataDirectory"] is { Length: > 0 } dir ? dir : "./data"), jobStore,
            sp.GetRequiredService<ILogger<RunSchedulerHost>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RunSchedulerHost>());
        services.AddSingleton<RunsEntry>();
        return services;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapLanguagesApi();
        app.MapRunsApi();
        return app;
    }
}

/// <summary>
/// Hosts the Quartz run scheduler in the web process: built and started with the host (jobs queued before a restart run
/// then), shut down when the host stops (waiting for the runs in progress). The job store is SQLite (a file in the data
/// directory) by default, or Quartz's clustered PostgreSQL store when PeerCode:Runs:JobStore:Provider is postgres. A node without a usable sandbox starts no scheduler and refuses runs with runs-unavailable.
/// </summary>
public sealed class RunSchedulerHost(IServiceProvider services, string dataDirectory, RunJobStoreSettings jobStore, ILogger<RunSchedulerHost> log)
    : IHostedService
{
    private RunScheduler? _scheduler;

    public RunScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("The run scheduler is not running.");

    public async Task StartAsync(CancellationToken ct)
    {
        var node = services.GetRequiredService<RunsNode>();
        if (node.Sandbox is null)
        {
            log.LogWarning("No run scheduler on this node: {Reason}", node.SandboxUnavailable);
            return;
        }
        var options = services.GetRequiredService<IOptions<RunOptions>>().Value;
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, options.JobStoreFile);
        var store = jobStore.ToStore(path);
        _scheduler = await RunScheduler.CreateAsync(
            store, services.GetRequiredService<NodeIdentity>().NodeId, services.GetRequiredService<CodeRunner>(),
            services.GetRequiredService<IRunLifecycle>(), services.GetRequiredService<TimeProvider>(),
            options.MaxConcurrency > 0 ? options.MaxConcurrency : null, services.GetRequiredService<ILoggerFactory>(), ct);
        await _scheduler.StartAsync(ct);
        log.LogInformation("Run scheduler started (job store {Store})", store is RunJobStore.Sqlite ? path : "clustered PostgreSQL");
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _scheduler, null) is { } scheduler) await scheduler.DisposeAsync();
    }
}

/// <summary>
/// The web side's way into <see cref="RunRequests"/> for the hub and REST alike: refuses with runs-unavailable on a node
/// that cannot run code (instead of failing to build the hub), and takes the code from the room's server document.
/// </summary>
public sealed class RunsEntry(RunsNode node, RunSchedulerHost host, RoomQuestions questions, IServiceProvider services)
{
    private RunRequests? _requests;

    /// <summary>A run with no tests of its own in a room with a question runs the question's tests (hidden ones included; views redact them per audience).</summary>
    public async Task<string> RequestAsync(RunSource source, string? language, string? stdin, IReadOnlyList<RunTestCase> tests, CancellationToken ct)
    {
        if (node.Sandbox is null)
            throw new RunRequestException("runs-unavailable", $"This server cannot run code: {node.SandboxUnavailable}");
        _requests ??= new RunRequests(services.GetRequiredService<CodeRunner>(), services.GetRequiredService<IRunLifecycle>(), host.Scheduler,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<RunOptions>>().Value.MaxUnfinishedPerRoom);
        if (tests.Count == 0 && source.Question is { } question) tests = await questions.TestsAsync(question, ct);
        return await _requests.RequestAsync(source.RoomId.ToString("N"), language ?? "", source.Code, stdin ?? "", tests, source.RequestedBy, ct);
    }
}

/// <summary>A test case as clients send it (hub and REST).</summary>
public sealed record RunTestInput(string? Name, string? Stdin, string? ExpectedStdout, bool Hidden)
{
    public static IReadOnlyList<RunTestCase> ToDomain(IReadOnlyList<RunTestInput?>? tests) =>
        (tests ?? []).Select(t => new RunTestCase(t?.Name ?? "", t?.Stdin ?? "", t?.ExpectedStdout ?? "", t?.Hidden ?? false)).ToList();
}
