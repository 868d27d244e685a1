using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PeerCode.Benchmarks;

/// <summary>
/// `collab`: a real PeerCode server process and a Node load generator (tests/hub-client/load.mjs, the npm SignalR client
/// with yjs) simulating R rooms of C clients editing at RATE edits/s each; every edit is durable before it fans out.
/// --find-max raises the rate until the fan-out p99 passes --find-max-p99 (default <see cref="DefaultFindMaxP99Ms"/>, the issue's
/// definition) and reports the highest sustained edits/s.
/// --peer hocuspocus runs the same load against @hocuspocus/server (tests/hub-client/hocuspocus-*.mjs) in the same run;
/// --peer relay against <see cref="RelayServer"/>, a SignalR hub that only forwards (the transport's own cost);
/// --peer hocuspocus,relay against both.
/// --warmup W (20 s by default): every load runs W seconds unmeasured first, in the same rooms and generator processes, so
/// the servers and the generators are measured warm.
/// Each side also reports its server's CPU and the generator's own CPU and event-loop delay over the editing phase, and
/// the line carries the load average before and after: on a shared machine the ratio to Hocuspocus is what compares.
/// </summary>
public static class CollabBenchmark
{
    /// <summary>
    /// Issue 4: "--find-max raises the rate until p99 passes 50 ms". (The 10 ms fan-out target is for the fixed load; an
    /// earlier version searched at 10 ms, where neither server held even 300 edits/s on this machine, so it compared nothing.)
    /// </summary>
    public const int DefaultFindMaxP99Ms = 50;

    private static int FindMaxP99Ms = DefaultFindMaxP99Ms;

    private static readonly string[] LoadKeys =
    [
        "editsPerSec", "fanoutP50Ms", "fanoutP99Ms", "fanoutMaxMs", "errors", "undelivered",
        "serverCpuCores", "serverCpuMsPerEdit", "generators", "generatorCpuCores", "generatorLoopDelayP99Ms", "cpuStealPct",
    ];

    public static async Task<int> RunAsync(CommandLine cli)
    {
        var rooms = cli.GetInt("rooms", 100);
        var clients = cli.GetInt("clients", 3);
        var rate = cli.GetInt("rate", 5);
        var seconds = cli.GetInt("seconds", 30);
        var warmup = cli.GetInt("warmup", 20, minimum: 0);
        FindMaxP99Ms = cli.GetInt("find-max-p99", DefaultFindMaxP99Ms);
        if (!Directory.Exists(Path.Combine(Paths.HubClient, "node_modules", "@microsoft", "signalr")))
            throw new CommandLineException($"{Paths.HubClient}/node_modules is missing: run scripts/test.sh (or npm ci there) first");
        if (!File.Exists(Paths.ServerDll))
            throw new CommandLineException($"{Paths.ServerDll} is missing: build the server first (dotnet build -c Release src/Web)");
        Generators = cli.GetInt("generators", DefaultGenerators);
        var peers = (cli.Get("peer") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var peer in peers)
            if (!Peers.ContainsKey(peer)) throw new CommandLineException($"--peer knows {string.Join(", ", Peers.Keys.Select(k => $"'{k}'"))} (comma-separated), got '{peer}'");
        if (clients < 2) throw new CommandLineException("--clients must be at least 2 (fan-out needs a receiver)");

        var result = new JsonObject
        {
            ["suite"] = "collab", ["rooms"] = rooms, ["clients"] = clients, ["rate"] = rate, ["seconds"] = seconds, ["warmupSeconds"] = warmup, ["loadAvgBefore"] = LoadAverage(),
        };
        await using (var server = await Server.StartPeerCodeAsync())
        {
            var load = await LoadAsync("load.mjs", server, rooms, clients, rate, seconds, warmup);
            foreach (var key in LoadKeys) result[key] = load[key]?.DeepClone();
            result["serverRssMb"] = server.PeakRssMb();
            if (cli.Has("find-max"))
            {
                result["findMaxP99Ms"] = FindMaxP99Ms;
                result["maxSustainedEditsPerSec"] = await FindMaxAsync("load.mjs", server, rooms, clients, warmup);
            }
        }
        foreach (var peer in peers)
        {
            var (name, script, start) = Peers[peer];
            await using var other = await start();
            var load = await LoadAsync(script, other, rooms, clients, rate, seconds, warmup);
            var h = new JsonObject();
            foreach (var key in LoadKeys) h[key] = load[key]?.DeepClone();
            h["serverRssMb"] = other.PeakRssMb();
            if (cli.Has("find-max")) h["maxSustainedEditsPerSec"] = await FindMaxAsync(script, other, rooms, clients, warmup);
            result[name] = h;
            var suffix = char.ToUpperInvariant(name[0]) + name[1..];
            result["p99RatioTo" + suffix] = Ratio(result["fanoutP99Ms"], h["fanoutP99Ms"]);
            result["p50RatioTo" + suffix] = Ratio(result["fanoutP50Ms"], h["fanoutP50Ms"]);
            result["cpuPerEditRatioTo" + suffix] = Ratio(result["serverCpuMsPerEdit"], h["serverCpuMsPerEdit"]);
            result["rssRatioTo" + suffix] = Ratio(result["serverRssMb"], h["serverRssMb"]);
            if (cli.Has("find-max")) result["maxSustainedRatioTo" + suffix] = Ratio(result["maxSustainedEditsPerSec"], h["maxSustainedEditsPerSec"]);
        }
        result["loadAvgAfter"] = LoadAverage();
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>The 1-minute load average (runnable tasks; 2 means both cores busy).</summary>
    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Doubles the per-client rate from 1 edit/s (10 s runs) while p99 stays at or under <see cref="FindMaxP99Ms"/> with
    /// no errors and nothing lost, then bisects twice between the last passing and the first failing rate; the best
    /// passing run's edits/s (0 when even 1 edit/s per client misses it).
    /// </summary>
    /// <remarks>
    /// Each step runs <paramref name="warmup"/> seconds unmeasured first (its generators are new processes), so what the
    /// server does after the previous step (300 connections leaving, their awareness and presence events) is over before
    /// the step is measured. With 5 s, the first step after the main run measured PeerCode at p99 55 ms at 300 edits/s,
    /// where a fresh server holds 8-9 ms.
    /// </remarks>
    private static async Task<double> FindMaxAsync(string script, Server server, int rooms, int clients, int warmup)
    {
        var best = 0.0;
        async Task<bool> PassesAsync(int rate)
        {
            var load = await LoadAsync(script, server, rooms, clients, rate, 10, warmup);
            var p99 = load["fanoutP99Ms"]?.GetValue<double>() ?? double.MaxValue;
            Console.Error.WriteLine($"find-max {script} rate {rate}/s/client (load average {LoadAverage()}): {load.ToJsonString()}");
            if (p99 > FindMaxP99Ms || load["errors"]!.GetValue<int>() > 0 || load["undelivered"]!.GetValue<int>() > 0) return false;
            best = Math.Max(best, load["editsPerSec"]!.GetValue<double>());
            return true;
        }
        var (passed, failed) = (0, 0);
        for (var rate = 1; rate <= 1024; rate *= 2)
        {
            if (!await PassesAsync(rate)) { failed = rate; break; }
            passed = rate;
        }
        for (var step = 0; step < 2 && failed - passed > 1; step++)
        {
            var mid = (passed + failed) / 2;
            if (await PassesAsync(mid)) passed = mid; else failed = mid;
        }
        return best;
    }

    /// <summary>--peer names: the result's key for the peer's figures, its load script, and how its server starts.</summary>
    private static readonly Dictionary<string, (string Name, string Script, Func<Task<Server>> Start)> Peers = new()
    {
        ["hocuspocus"] = ("hocuspocus", "hocuspocus-load.mjs", Server.StartHocuspocusAsync),
        ["relay"] = ("signalrRelay", "load.mjs", Server.StartRelayAsync),
    };

    private static double? Ratio(JsonNode? ours, JsonNode? theirs) =>
        ours is null || theirs is null || theirs.GetValue<double>() == 0 ? null : Math.Round(ours.GetValue<double>() / theirs.GetValue<double>(), 3);

    /// <summary>
    /// One load run over <see cref="Generators"/> Node processes, each with its share of the rooms: all open their rooms
    /// and connect, then start editing together; their latencies are merged into one distribution. The server's CPU is
    /// read from /proc around the editing phase.
    /// </summary>
    private static async Task<JsonObject> LoadAsync(string script, Server server, int rooms, int clients, int rate, int seconds, int warmup)
    {
        var count = Math.Min(Generators, rooms);
        var nodes = new List<(Process Process, Task<string> Stderr)>();
        try
        {
            var first = 0;
            for (var g = 0; g < count; g++)
            {
                var share = rooms / count + (g < rooms % count ? 1 : 0);
                var info = new ProcessStartInfo("node")
                {
                    WorkingDirectory = Paths.HubClient, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
                };
                foreach (var a in new[] { script, "--base", server.Url, "--rooms", $"{share}", "--first-room", $"{first}", "--clients", $"{clients}", "--rate", $"{rate}", "--seconds", $"{seconds}", "--warmup", $"{warmup}", "--coordinated", "1" })
                    info.ArgumentList.Add(a);
                var node = Process.Start(info)!;
                nodes.Add((node, node.StandardError.ReadToEndAsync()));
                first += share;
            }
            foreach (var (node, stderr) in nodes)
                if (await node.StandardOutput.ReadLineAsync() != "ready")
                    throw new InvalidOperationException($"{script} did not get its rooms ready: {await FailureAsync(node, stderr)}");
            foreach (var (node, _) in nodes) await node.StandardInput.WriteLineAsync("go");
            foreach (var (node, _) in nodes) await node.StandardInput.FlushAsync();
            // Each generator edits for the warm-up first and says "measuring" when its measured window opens.
            foreach (var (node, stderr) in nodes)
                if (await node.StandardOutput.ReadLineAsync() != "measuring")
                    throw new InvalidOperationException($"{script} failed during its warm-up: {await FailureAsync(node, stderr)}");
            var serverCpuBefore = server.CpuMs();
            var machineBefore = MachineCpu.Read();
            var results = new List<JsonObject>();
            foreach (var (node, stderr) in nodes)
            {
                var line = await node.StandardOutput.ReadLineAsync();
                if (line is null || !line.StartsWith('{')) throw new InvalidOperationException($"{script} failed: {line}\n{await FailureAsync(node, stderr)}");
                results.Add(JsonNode.Parse(line)!.AsObject());
            }
            var serverCpuMs = server.CpuMs() - serverCpuBefore;
            var stealPct = MachineCpu.StealPercent(machineBefore, MachineCpu.Read());
            foreach (var (node, _) in nodes) await node.WaitForExitAsync();
            var merged = Merge(results, serverCpuMs);
            merged["cpuStealPct"] = stealPct;
            return merged;
        }
        finally
        {
            foreach (var (node, _) in nodes)
            {
                if (!node.HasExited) node.Kill();
                node.Dispose();
            }
        }
    }

    /// <summary>
    /// Generator processes per load run (each a Node event loop, as each browser has its own): --generators, 4 by
    /// default. With one per core (2 here) the generators took 0.68 cores instead of 0.8, but each event loop then
    /// serves 150 clients, whose messages queue behind each other (p99 98 ms in that run, against 36-66 ms with 4).
    /// </summary>
    private static int Generators = DefaultGenerators;

    private const int DefaultGenerators = 4;

    private static async Task<string> FailureAsync(Process node, Task<string> stderr)
    {
        if (!node.HasExited) node.Kill();
        await node.WaitForExitAsync();
        return $"exit {node.ExitCode}: {await stderr}";
    }

    private static JsonObject Merge(List<JsonObject> results, double serverCpuMs)
    {
        var latencies = results.SelectMany(r => r["latencies"]!.AsArray().Select(l => l!.GetValue<double>())).Order().ToList();
        double? Pct(double q) => latencies.Count == 0 ? null : latencies[Math.Min(latencies.Count - 1, (int)Math.Floor(q * latencies.Count))];
        double Sum(string key) => results.Sum(r => r[key]!.GetValue<double>());
        var edits = Sum("edits");
        var window = results.Max(r => r["cpuSeconds"]!.GetValue<double>());
        return new JsonObject
        {
            ["edits"] = edits, ["editsPerSec"] = Math.Round(Sum("editsPerSec"), 1),
            ["fanoutP50Ms"] = Pct(0.5), ["fanoutP99Ms"] = Pct(0.99), ["fanoutMaxMs"] = latencies.Count == 0 ? null : latencies[^1],
            ["errors"] = (int)Sum("errors"), ["undelivered"] = (int)Sum("undelivered"),
            ["serverCpuCores"] = Math.Round(serverCpuMs / 1000 / window, 3),
            ["serverCpuMsPerEdit"] = edits == 0 ? null : Math.Round(serverCpuMs / edits, 3),
            ["generators"] = results.Count,
            ["generatorCpuCores"] = Math.Round(Sum("generatorCpuMs") / 1000 / window, 3),
            ["generatorLoopDelayP99Ms"] = results.Max(r => r["generatorLoopDelayP99Ms"]!.GetValue<double>()),
        };
    }

    private sealed class Server(Process process, string url, string? dataDirectory) : IAsyncDisposable
    {
        public string Url { get; } = url;

        /// <summary>The process's CPU time so far (user + system), in ms.</summary>
        public double CpuMs()
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalMilliseconds;
        }

        public static async Task<Server> StartPeerCodeAsync()
        {
            var dll = Paths.ServerDll;
            var data = Path.Combine(Path.GetTempPath(), "peercode-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(data);
            var url = $"http://127.0.0.1:{FreePort()}";
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(Paths.Root, "src", "Web") };
            foreach (var a in new[] { dll, "--urls", url, "--PeerCode:DataDirectory", data, "--Logging:LogLevel:Default", "Warning" }) info.ArgumentList.Add(a);
            return await StartAsync(info, url, data);
        }

        public static async Task<Server> StartHocuspocusAsync()
        {
            var port = FreePort();
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.HubClient };
            foreach (var a in new[] { "hocuspocus-server.mjs", "--port", $"{port}" }) info.ArgumentList.Add(a);
            return await StartAsync(info, $"http://127.0.0.1:{port}", null);
        }

        /// <summary>
        /// <see cref="RelayServer"/> in a process of its own, run with the PeerCode server's runtimeconfig.json (server GC,
        /// no dynamic PGO, no thread-pool spinning), so the runtime under both is the same.
        /// </summary>
        public static async Task<Server> StartRelayAsync()
        {
            var port = FreePort();
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            var runtimeConfig = Path.ChangeExtension(Paths.ServerDll, ".runtimeconfig.json");
            foreach (var a in new[] { "exec", "--runtimeconfig", runtimeConfig, typeof(RelayServer).Assembly.Location, "relay-server", "--port", $"{port}" })
                info.ArgumentList.Add(a);
            return await StartAsync(info, $"http://127.0.0.1:{port}", null);
        }

        private static async Task<Server> StartAsync(ProcessStartInfo info, string url, string? data)
        {
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var uri = new Uri(url);
            for (var i = 0; i < 300; i++)
            {
                if (process.HasExited) throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}");
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(uri.Host, uri.Port);
                    return new Server(process, url, data);
                }
                catch (SocketException) { await Task.Delay(100); }
            }
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} did not listen on {url} within 30 s");
        }

        /// <summary>The process's peak resident set (VmHWM), in MiB.</summary>
        public double PeakRssMb()
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0, 1);
            return double.NaN;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
            if (dataDirectory is not null) Directory.Delete(dataDirectory, recursive: true);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private static class Paths
    {
        public static string Root { get; } = FindRoot();
        public static string HubClient => Path.Combine(Root, "tests", "hub-client");
        public static string ServerDll => Path.Combine(Root, "src", "Web", "bin", "Release", "net10.0", "PeerCode.Web.dll");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) return dir.FullName;
            throw new InvalidOperationException("PeerCode.sln not found above the benchmark.");
        }
    }
}

/// <summary>
/// The machine's CPU time from the first line of /proc/stat (ticks): a virtual machine whose host is busy loses time
/// to "steal", which slows server and generators alike, so each load run reports the share stolen during it.
/// </summary>
internal readonly record struct MachineCpu(long Total, long Steal)
{
    public static MachineCpu Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return new MachineCpu(fields.Take(8).Sum(), fields.Length > 7 ? fields[7] : 0);
    }

    public static double? StealPercent(MachineCpu before, MachineCpu after) =>
        after.Total == before.Total ? null : Math.Round(100.0 * (after.Steal - before.Steal) / (after.Total - before.Total), 2);
}
