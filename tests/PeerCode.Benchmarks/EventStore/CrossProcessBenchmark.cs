using System.Diagnostics;
using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Benchmarks.EventStore;

/// <summary>
/// `eventstore-xproc`: a second OS process (this program's es-append) appends --count events --interval-ms apart to
/// the same events.db while this process's subscription measures, per event, receive time minus recorded time.
/// The bound is 50 ms.
/// </summary>
public static class CrossProcessBenchmark
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var count = args.GetInt("count", 200);
        var interval = args.GetInt("interval-ms", 10);
        using var directory = new BenchmarkDirectory(args.Get("data-dir"));
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = directory.Path });
        var start = store.ReadLastPosition();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60 + count * interval / 1000.0));
        var lags = new List<double>(count);

        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { typeof(CrossProcessBenchmark).Assembly.Location, "es-append", "--data-dir", directory.Path, "--stream", "room-xproc",
                     "--count", count.ToString(), "--interval-ms", interval.ToString(), "--node", "xproc" })
            info.ArgumentList.Add(a);
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start es-append");

        await foreach (var m in store.SubscribeToAllAsync(start, EventFilter.StreamPrefix("room-xproc"), stop.Token))
        {
            if (m is not SubscriptionMessage.Event e) continue;
            lags.Add((DateTimeOffset.UtcNow - e.Recorded.RecordedAt).TotalMilliseconds);
            if (lags.Count == count) break;
        }
        await child.WaitForExitAsync(stop.Token);
        lags.Sort();
        Console.Error.WriteLine($"eventstore-xproc: {lags.Count} events from a second process, min {lags[0]:F2} ms, child said {(await child.StandardOutput.ReadToEndAsync()).Trim()}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            suite = "eventstore-xproc",
            events = lags.Count,
            lagP50Ms = Math.Round(lags[(lags.Count - 1) / 2], 3),
            lagP99Ms = Math.Round(lags[(int)Math.Ceiling(0.99 * lags.Count) - 1], 3),
            lagMaxMs = Math.Round(lags[^1], 3),
        }));
        return 0;
    }
}
