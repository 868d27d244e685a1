using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PeerCode.Benchmarks;

/// <summary>
/// `collab`: a real PeerCode server process and a Node load generator (tests/hub-client/load.mjs, the npm SignalR client
/// with yjs) simulating R rooms of C clients editing at RATE edits/s each; every edit is durable before it fans out.
/// --find-max raises the rate until the fan-out p99 passes 50 ms and reports the highest sustained edits/s.
/// --peer hocuspocus runs the same load against @hocuspocus/server (tests/hub-client/hocuspocus-*.mjs) in the same run.
/// </summary>
public static class CollabBenchmark
{
    public static async Task<int> RunAsync(CommandLine cli)
    {
        var rooms = cli.GetInt("rooms", 100);
        var clients = cli.GetInt("clients", 3);
        var rate = cli.GetInt("rate", 5);
        var seconds = cli.GetInt("seconds", 30);
        var peer = cli.Get("peer");
        if (peer is not null && peer != "hocuspocus") throw new CommandLineException($"--peer knows only 'hocuspocus', got '{peer}'");
        if (clients < 2) throw new CommandLineException("--clients must be at least 2 (fan-out needs a receiver)");

        var result = new JsonObject { ["suite"] = "collab", ["rooms"] = rooms, ["clients"] = clients, ["rate"] = rate, ["seconds"] = seconds };
        await using (var server = await Server.StartPeerCodeAsync())
        {
            var load = await LoadAsync("load.mjs", server.Url, rooms, clients, rate, seconds);
            foreach (var key in new[] { "editsPerSec", "fanoutP50Ms", "fanoutP99Ms", "fanoutMaxMs", "errors", "undelivered" }) result[key] = load[key]?.DeepClone();
            result["serverRssMb"] = server.PeakRssMb();
            if (cli.Has("find-max")) result["maxSustainedEditsPerSec"] = await FindMaxAsync("load.mjs", server.Url, rooms, clients);
        }
        if (peer == "hocuspocus")
        {
            await using var hocus = await Server.StartHocuspocusAsync();
            var load = await LoadAsync("hocuspocus-load.mjs", hocus.Url, rooms, clients, rate, seconds);
            var h = new JsonObject();
            foreach (var key in new[] { "editsPerSec", "fanoutP50Ms", "fanoutP99Ms", "fanoutMaxMs", "errors", "undelivered" }) h[key] = load[key]?.DeepClone();
            h["serverRssMb"] = hocus.PeakRssMb();
            if (cli.Has("find-max")) h["maxSustainedEditsPerSec"] = await FindMaxAsync("hocuspocus-load.mjs", hocus.Url, rooms, clients);
            result["hocuspocus"] = h;
            result["p99RatioToHocuspocus"] = Ratio(result["fanoutP99Ms"], h["fanoutP99Ms"]);
            result["p50RatioToHocuspocus"] = Ratio(result["fanoutP50Ms"], h["fanoutP50Ms"]);
            result["rssRatioToHocuspocus"] = Ratio(result["serverRssMb"], h["serverRssMb"]);
        }
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>
    /// Doubles the per-client rate from 1 edit/s (10 s runs) while p99 stays at or under 50 ms with no errors and
    /// nothing lost; the last such run's edits/s (0 when even 1 edit/s per client misses it).
    /// </summary>
    private static async Task<double> FindMaxAsync(string script, string url, int rooms, int clients)
    {
        var best = 0.0;
        for (var rate = 1; rate <= 1000; rate *= 2)
        {
            var load = await LoadAsync(script, url, rooms, clients, rate, 10);
            var p99 = load["fanoutP99Ms"]?.GetValue<double>() ?? double.MaxValue;
            Console.Error.WriteLine($"find-max {script} rate {rate}/s/client: {load.ToJsonString()}");
            if (p99 > 50 || load["errors"]!.GetValue<int>() > 0 || load["undelivered"]!.GetValue<int>() > 0) break;
            best = load["editsPerSec"]!.GetValue<double>();
        }
        return best;
    }

    private static double? Ratio(JsonNode? ours, JsonNode? theirs) =>
        ours is null || theirs is null || theirs.GetValue<double>() == 0 ? null : Math.Round(ours.GetValue<double>() / theirs.GetValue<double>(), 3);

    private static async Task<JsonObject> LoadAsync(string script, string url, int rooms, int clients, int rate, int seconds)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = Paths.HubClient, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--base", url, "--rooms", $"{rooms}", "--clients", $"{clients}", "--rate", $"{rate}", "--seconds", $"{seconds}" })
            info.ArgumentList.Add(a);
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (node.ExitCode != 0 || !line.StartsWith('{'))
            throw new InvalidOperationException($"{script} failed ({node.ExitCode}): {line}\n{await stderr}");
        return JsonNode.Parse(line)!.AsObject();
    }

    private sealed class Server(Process process, string url, string? dataDirectory) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<Server> StartPeerCodeAsync()
        {
            var dll = Path.Combine(Paths.Root, "src", "Web", "bin", "Release", "net10.0", "PeerCode.Web.dll");
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build src/Web in Release first.");
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

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) return dir.FullName;
            throw new InvalidOperationException("PeerCode.sln not found above the benchmark.");
        }
    }
}
