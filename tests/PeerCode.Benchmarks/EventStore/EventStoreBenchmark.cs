using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Benchmarks.EventStore;

/// <summary>
/// `eventstore`: single-event appends (expected Any) from --writers concurrent writers across --streams streams for
/// --seconds (after a 1 s warm-up), with one all-stream subscriber running. Each append is acknowledged only once
/// durable. Subscription lag = time the subscriber receives an event minus its recorded time.
/// </summary>
public static class EventStoreBenchmark
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var seconds = args.GetInt("seconds", 10);
        var writers = args.GetInt("writers", 64);
        var streamCount = args.GetInt("streams", 1000);
        using var directory = new BenchmarkDirectory(args.Get("data-dir"));
        var streams = Enumerable.Range(0, streamCount).Select(i => $"room-bench{i}").ToArray();
        var payload = Encoding.UTF8.GetBytes("{\"clientId\":1234567,\"clock\":42,\"update\":\"AQLkxL6vDQAEAQRzb21lIGNvZGUgdHlwZWQgaGVyZQ==\"}");

        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = directory.Path });
        var warmup = TimeSpan.FromSeconds(1);
        var measured = TimeSpan.FromSeconds(seconds);
        long measureStart = 0, measureEnd = long.MaxValue; // Stopwatch timestamps

        using var stopSubscriber = new CancellationTokenSource();
        var lags = new List<double>(1 << 20);
        var subscriber = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in store.SubscribeToAllAsync(null, null, stopSubscriber.Token))
                {
                    if (m is not SubscriptionMessage.Event e) continue;
                    var now = Stopwatch.GetTimestamp();
                    if (now < Volatile.Read(ref measureStart) || now > Volatile.Read(ref measureEnd)) continue;
                    lags.Add((DateTimeOffset.UtcNow - e.Recorded.RecordedAt).TotalMilliseconds);
                }
            }
            catch (OperationCanceledException) when (stopSubscriber.IsCancellationRequested)
            {
                // stopped after the run
            }
        });

        var startTs = Stopwatch.GetTimestamp();
        Volatile.Write(ref measureStart, startTs + (long)(warmup.TotalSeconds * Stopwatch.Frequency));
        Volatile.Write(ref measureEnd, Volatile.Read(ref measureStart) + (long)(measured.TotalSeconds * Stopwatch.Frequency));
        var stopAt = Volatile.Read(ref measureEnd);
        var latencies = new List<double>[writers];
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var rng = new Random(w);
            var mine = latencies[w] = new List<double>(1 << 16);
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= stopAt) break;
                var e = new EventData(Guid.NewGuid(), "room.document-updated.v1", payload, EventMetadata.Empty);
                await store.AppendAsync(streams[rng.Next(streams.Length)], ExpectedRevision.Any, [e]);
                var t1 = Stopwatch.GetTimestamp();
                if (t0 >= measureStart) mine.Add((t1 - t0) * 1000.0 / Stopwatch.Frequency);
            }
        })).ToList();
        await Task.Delay(warmup);
        var txBefore = store.Transactions;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(tasks);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await Task.Delay(200); // let the subscriber see the last events
        await stopSubscriber.CancelAsync();
        await subscriber;

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var lagArray = lags.ToArray();
        Array.Sort(lagArray);
        var transactions = store.Transactions - txBefore;
        Console.Error.WriteLine(
            $"eventstore: {all.Length} measured appends in {seconds} s, {transactions} transactions (avg {(double)all.Length / Math.Max(1, transactions):F1} appends each), " +
            $"max append {all.LastOrDefault():F2} ms, {lagArray.Length} lag samples, lag p50 {Percentile(lagArray, 0.5):F2} ms, max {lagArray.LastOrDefault():F2} ms; " +
            $"this process used {cpu.TotalSeconds:F1} CPU-s ({cpu.TotalSeconds / seconds:F2} of {Environment.ProcessorCount} cores, {cpu.TotalMicroseconds / Math.Max(1, all.Length):F0} us per append)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            suite = "eventstore",
            appendsPerSec = Math.Round(all.Length / measured.TotalSeconds),
            p50Ms = Math.Round(Percentile(all, 0.50), 3),
            p99Ms = Math.Round(Percentile(all, 0.99), 3),
            subscriptionLagP99Ms = Math.Round(Percentile(lagArray, 0.99), 3),
        }));
        return 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>The given directory, or a fresh temp one that is deleted afterwards.</summary>
internal sealed class BenchmarkDirectory : IDisposable
{
    private readonly bool _owned;

    public BenchmarkDirectory(string? path)
    {
        _owned = path is null;
        Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "peercode-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_owned && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
