using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;

namespace PeerCode.Benchmarks.Projections;

/// <summary>
/// projections --events N [--stores sqlite,postgres] [--batch 5000] [--seed 1] [--only rooms,runs]: appends a generated history of N events to a
/// fresh embedded event store, then rebuilds every projection from scratch into each read-model store, timing until all
/// are caught up. Prints one JSON line; eventsPerSec = events in the store / rebuild wall time. Target: 50,000/s into SQLite.
/// </summary>
public static class ProjectionsBenchmark
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var events = args.GetInt("events", 1_000_000);
        var batch = args.GetInt("batch", 5000);
        var seed = args.GetInt("seed", 1);
        var only = args.Get("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var stores = (args.Get("stores") ?? "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var s in stores)
            if (s is not ("sqlite" or "postgres")) throw new CommandLineException($"--stores takes sqlite and/or postgres, got '{s}'");

        var dir = Path.Combine(Path.GetTempPath(), "peercode-bench-projections-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var eventStore = new SqliteEventStore(new EventStoreOptions { DataDirectory = dir });
            var append = Stopwatch.StartNew();
            var appended = await new HistoryGenerator(seed, activeRooms: 24, chunkSize: 60).AppendAsync(eventStore, events, inFlight: 64);
            append.Stop();
            Console.Error.WriteLine($"appended {appended} events in {append.Elapsed.TotalSeconds:F1} s");

            var results = new Dictionary<string, object>();
            foreach (var name in stores)
            {
                IReadModelStore store = name == "sqlite"
                    ? SqliteReadModelStore.InDirectory(dir)
                    : new PostgresReadModelStore(PostgresCluster.Instance.NewSchema());
                var projections = AllProjections.Create().Where(p => only is null || only.Contains(p.Name)).ToList();
                var engine = new ProjectionEngine(eventStore, store, projections,
                    new ProjectionOptions { BatchSize = batch }, NullLoggerFactory.Instance);
                await engine.MigrateAsync();
                using var stop = new CancellationTokenSource();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var run = engine.RunAsync(stop.Token);
                await engine.WaitUntilCaughtUpAsync(TimeSpan.FromMilliseconds(100),
                    status => Console.Error.Write(Console.IsErrorRedirected ? "" : $"\r{name}: " + string.Join(" ", status.Select(s => $"{s.Name}:{Math.Max(0, s.Position) * 100 / Math.Max(1, s.HeadPosition)}%"))),
                    CancellationToken.None);
                clock.Stop();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                await stop.CancelAsync();
                await run;
                Console.Error.WriteLine();
                var processed = (await engine.StatusAsync()).ToDictionary(s => s.Name, s => s.EventsProcessed);
                results[name] = new
                {
                    seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                    eventsPerSec = Math.Round(appended / clock.Elapsed.TotalSeconds),
                    // this process's CPU time during the rebuild (PostgreSQL's own work is not in it): a figure less
                    // distorted than wall time when other work shares the machine
                    cpuSeconds = Math.Round(cpu.TotalSeconds, 2),
                    eventsPerCpuSec = Math.Round(appended / cpu.TotalSeconds),
                    projectionEvents = processed,
                };
                if (store is IAsyncDisposable d) await d.DisposeAsync();
            }

            var sqliteRate = results.TryGetValue("sqlite", out var r) ? (double)((dynamic)r).eventsPerSec : double.NaN;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                suite = "projections",
                events = appended,
                projections = only ?? AllProjections.Create().Select(p => p.Name).ToArray(),
                batchSize = batch,
                appendSeconds = Math.Round(append.Elapsed.TotalSeconds, 2),
                stores = results,
                targetSqliteEventsPerSec = 50_000,
                loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null,
                cores = Environment.ProcessorCount,
                meetsTarget = sqliteRate >= 50_000,
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
