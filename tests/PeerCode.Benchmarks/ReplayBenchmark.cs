using System.Diagnostics;
using System.Text.Json.Nodes;
using PeerCode.Application.Replay;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Tests.Crdt;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Web.Tests.Replay;

namespace PeerCode.Benchmarks;

/// <summary>
/// replay --trace file.json.gz [--seeks 1000] [--snapshot-every 200] [--seed 1]: writes the trace as a room's history
/// into a fresh SQLite event store (one DocumentUpdated per transaction, a snapshot every 200 updates as the room takes
/// them), then seeks the replay state to random revisions. One JSON line: seekP50Ms, seekP99Ms, storedBytes, ...
/// The first seek (which builds the room's in-memory index by one read of the stream) is reported apart as indexMs.
/// </summary>
public static class ReplayBenchmark
{
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var tracePath = Path.GetFullPath(cl.Require("trace"));
        if (!File.Exists(tracePath)) throw new CommandLineException($"trace file '{tracePath}' not found");
        var seeks = cl.GetInt("seeks", 1000);
        var snapshotEvery = cl.GetInt("snapshot-every", TraceHistory.DefaultSnapshotEvery);
        var random = new Random(cl.GetInt("seed", 1));
        var trace = EditingTrace.Load(tracePath);

        var dir = Path.Combine(Path.GetTempPath(), "peercode-replay-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var options = new EventStoreOptions { DataDirectory = dir };
            var tokens = RoomLinks.NewTokens();
            Guid roomId;
            var sw = Stopwatch.StartNew();
            await using (var writer = new SqliteEventStore(options))
                roomId = await TraceHistory.WriteAsync(writer, trace, tokens, snapshotEvery);
            var writeMs = sw.Elapsed.TotalMilliseconds;
            var storedBytes = Directory.EnumerateFiles(dir).Sum(f => new FileInfo(f).Length);

            await using var store = new SqliteEventStore(options);
            var replay = new RoomReplay(store);
            var grant = await replay.AuthorizeAsync(roomId, tokens.Interviewer, PeerCode.Domain.Rooms.RoomCaller.Anonymous, DateTimeOffset.UtcNow, CancellationToken.None);
            sw.Restart();
            var final = await replay.StateAsync(grant, new ReplayPoint.Latest(), includeDocument: false, CancellationToken.None);
            var indexMs = sw.Elapsed.TotalMilliseconds;
            var correct = final.Text == trace.EndContent;

            var times = new double[seeks];
            var documentTimes = new double[seeks];
            // CPU time of the process per seek: what a seek costs without the waits for a core on a busy machine.
            var cpuTimes = new double[seeks];
            using var self = Process.GetCurrentProcess();
            var timeline = await replay.TimelineAsync(roomId, CancellationToken.None);
            for (var i = 0; i < seeks; i++)
            {
                var at = random.NextInt64(0, final.LastRevision + 1);
                self.Refresh();
                var cpu = self.TotalProcessorTime;
                sw.Restart();
                var state = await replay.StateAsync(grant, new ReplayPoint.AtRevision(at), includeDocument: false, CancellationToken.None);
                times[i] = sw.Elapsed.TotalMilliseconds;
                self.Refresh();
                cpuTimes[i] = (self.TotalProcessorTime - cpu).TotalMilliseconds;
                if (state.Revision != at) correct = false;
                // The CRDT part alone (nearest snapshot + updates after it), to tell it from the rest of a seek.
                sw.Restart();
                await replay.DocumentAtAsync(timeline, at, CancellationToken.None);
                documentTimes[i] = sw.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            Array.Sort(documentTimes);
            Array.Sort(cpuTimes);
            double P(double q) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(q * times.Length) - 1)];
            double C(double q) => cpuTimes[Math.Min(cpuTimes.Length - 1, (int)Math.Ceiling(q * cpuTimes.Length) - 1)];
            double D(double q) => documentTimes[Math.Min(documentTimes.Length - 1, (int)Math.Ceiling(q * documentTimes.Length) - 1)];
            var line = new JsonObject
            {
                ["suite"] = "replay",
                ["trace"] = Path.GetFileName(tracePath),
                ["events"] = final.LastRevision + 1,
                ["snapshotEvery"] = snapshotEvery,
                ["seeks"] = seeks,
                ["seekP50Ms"] = Math.Round(P(0.50), 2),
                ["seekP99Ms"] = Math.Round(P(0.99), 2),
                ["seekMaxMs"] = Math.Round(times[^1], 2),
                ["seekCpuP50Ms"] = Math.Round(C(0.50), 2),
                ["seekCpuP99Ms"] = Math.Round(C(0.99), 2),
                ["loadAverage"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null,
                ["documentP50Ms"] = Math.Round(D(0.50), 2),
                ["documentP99Ms"] = Math.Round(D(0.99), 2),
                ["storedBytes"] = storedBytes,
                ["indexMs"] = Math.Round(indexMs, 1),
                ["writeMs"] = Math.Round(writeMs, 1),
                ["finalTextMatches"] = correct,
                ["targetSeekP99Ms"] = 50,
            };
            Console.WriteLine(line.ToJsonString());
            return correct ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
