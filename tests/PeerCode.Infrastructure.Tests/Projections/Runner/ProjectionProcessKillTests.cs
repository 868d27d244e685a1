using System.Diagnostics;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Benchmarks.Projections;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Infrastructure.Tests.EventStore;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Runner;

public sealed class ProjectionProcessKillSqliteTests : ProjectionProcessKillTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class ProjectionProcessKillPostgresTests : ProjectionProcessKillTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

/// <summary>
/// The standalone projections process (src/Projections "run") is killed with SIGKILL while it writes batches, three times,
/// then finishes; its read models must equal a clean replay: nothing counted twice, nothing lost.
/// </summary>
public abstract class ProjectionProcessKillTests : IAsyncLifetime
{
    private readonly TempDataDirectory _dir = new();
    private readonly List<IReadModelStore> _stores = [];
    private readonly System.Text.StringBuilder _stderr = new();

    protected abstract ReadModelProvider Provider { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores.OfType<IAsyncDisposable>()) await s.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Killing_the_projections_process_mid_batch_and_starting_again_neither_double_counts_nor_loses()
    {
        await using (var events = new SqliteEventStore(new EventStoreOptions { DataDirectory = _dir.Path }))
            await new HistoryGenerator(seed: 21).AppendAsync(events, 15_000);

        string? connectionString = Provider == ReadModelProvider.Postgres ? PostgresCluster.Instance.NewSchema() : null;
        IReadModelStore store = connectionString is null ? SqliteReadModelStore.InDirectory(_dir.Path) : new PostgresReadModelStore(connectionString);
        _stores.Add(store);

        long seen = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            using var process = StartProjectionsProcess(connectionString);
            try
            {
                var target = seen + 2_500;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while ((seen = await ProcessedAsync(store)) < target)
                {
                    if (process.HasExited) throw new Xunit.Sdk.XunitException($"the projections process died on its own: {_stderr}");
                    DateTime.UtcNow.Should().BeBefore(deadline, "the projections process should make progress");
                    await Task.Delay(20);
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
                await process.WaitForExitAsync();
            }
        }

        await using var events2 = new SqliteEventStore(new EventStoreOptions { DataDirectory = _dir.Path });
        var options = new ProjectionOptions { BatchSize = 1000, RetryDelay = TimeSpan.FromMilliseconds(50) };
        var resumed = new ProjectionEngine(events2, store, AllProjections.Create(), options, NullLoggerFactory.Instance);
        var fresh = new ProjectionEngine(events2, ReadModelStores.Create(Provider), AllProjections.Create(), options, NullLoggerFactory.Instance);
        _stores.Add(fresh.Store);
        await resumed.MigrateAsync();
        await fresh.MigrateAsync();
        using var stop = new CancellationTokenSource();
        var runs = new[] { resumed.RunAsync(stop.Token), fresh.RunAsync(stop.Token) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await resumed.WaitUntilCaughtUpAsync(TimeSpan.FromMilliseconds(50), null, timeout.Token);
        await fresh.WaitUntilCaughtUpAsync(TimeSpan.FromMilliseconds(50), null, timeout.Token);
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        (await ReadModelSnapshot.TakeAsync(store, resumed.Projections)).ShouldEqual(await ReadModelSnapshot.TakeAsync(fresh.Store, fresh.Projections));
        (await resumed.StatusAsync()).Select(s => s.EventsProcessed).Should().Equal((await fresh.StatusAsync()).Select(s => s.EventsProcessed));
    }

    private static async Task<long> ProcessedAsync(IReadModelStore store)
    {
        await using var c = await store.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(events_processed), 0) FROM projection_checkpoints";
        try
        {
            return Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }
        catch (Exception e) when (e.Message.Contains("projection_checkpoints", StringComparison.Ordinal) || e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0; // the process has not applied its migrations yet
        }
    }

    private Process StartProjectionsProcess(string? postgres)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PeerCode.Projections.dll"));
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add($"--PeerCode:DataDirectory={_dir.Path}");
        psi.ArgumentList.Add("--Projections:BatchSize=150");
        psi.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        if (postgres is not null)
        {
            psi.ArgumentList.Add("--ReadModels:Provider=postgres");
            psi.ArgumentList.Add($"--ReadModels:ConnectionString={postgres}");
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the projections process");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
