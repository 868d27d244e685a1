using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Tests.Crdt;

namespace PeerCode.Benchmarks;

/// <summary>
/// crdt --trace file.json.gz [--client id] [--runs n]: replays an editing trace with the engine and, in the same run, with
/// yjs (tests/yjs-oracle/bench.mjs), and prints one JSON line with both sets of figures and their ratios.
/// Both sides use the same client id, one transaction per trace transaction, and capture each transaction's
/// update while applying locally (the updates the remote pass replays). Each side runs the whole sequence
/// --runs times (default 3) on fresh documents and reports the fastest time of each phase, which damps the
/// noise of a shared machine the same way for both.
/// </summary>
public static class CrdtBenchmark
{
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var tracePath = Path.GetFullPath(cl.Require("trace"));
        if (!File.Exists(tracePath)) throw new CommandLineException($"trace file '{tracePath}' not found");
        var client = (uint)cl.GetInt("client", 123456789);
        var runs = cl.GetInt("runs", 3);
        var trace = EditingTrace.Load(tracePath);

        var engine = Measure(trace, client);
        for (var i = 1; i < runs; i++)
        {
            var again = Measure(trace, client);
            foreach (var key in new[] { "localApplyMs", "applyRemoteUpdatesMs", "parseFullMs" })
                engine[key] = Math.Min(engine[key]!.GetValue<double>(), again[key]!.GetValue<double>());
            engine["correct"] = engine["correct"]!.GetValue<bool>() && again["correct"]!.GetValue<bool>();
        }
        var yjs = await RunYjsAsync(tracePath, client, runs);

        static double Num(JsonNode? n) => double.Parse(n!.ToJsonString(), CultureInfo.InvariantCulture);
        double Ratio(string key) => Math.Round(Num(engine[key]) / Math.Max(Num(yjs[key]), 1e-9), 3);
        var result = new JsonObject
        {
            ["suite"] = "crdt",
            ["trace"] = Path.GetFileName(tracePath),
            ["patches"] = engine["patches"]!.GetValue<int>(),
            ["localApplyMs"] = engine["localApplyMs"]!.GetValue<double>(),
            ["applyRemoteUpdatesMs"] = engine["applyRemoteUpdatesMs"]!.GetValue<double>(),
            ["encodedBytes"] = engine["encodedBytes"]!.GetValue<int>(),
            ["parseFullMs"] = engine["parseFullMs"]!.GetValue<double>(),
            ["correct"] = engine["correct"]!.GetValue<bool>(),
            ["yjs"] = yjs,
            ["ratios"] = new JsonObject
            {
                ["localApplyMs"] = Ratio("localApplyMs"),
                ["applyRemoteUpdatesMs"] = Ratio("applyRemoteUpdatesMs"),
                ["parseFullMs"] = Ratio("parseFullMs"),
                ["encodedBytes"] = Ratio("encodedBytes"),
            },
        };
        Console.WriteLine(result.ToJsonString());
        return engine["correct"]!.GetValue<bool>() ? 0 : 1;
    }

    private static JsonObject Measure(EditingTrace trace, uint client)
    {
        var patches = trace.Transactions.Sum(t => t.Patches.Length);
        var doc = new Doc(client);
        var text = doc.GetText("code");
        var editor = new CodePointEditor(text);
        var updates = new List<byte[]>(trace.Transactions.Length);
        doc.UpdateV1 += (u, _) => updates.Add(u);

        Settle();
        var sw = Stopwatch.StartNew();
        if (trace.StartContent.Length > 0) text.Insert(0, trace.StartContent);
        foreach (var txn in trace.Transactions)
            doc.Transact(_ => { foreach (var p in txn.Patches) editor.Apply(p); });
        var localMs = sw.Elapsed.TotalMilliseconds;

        var remote = new Doc(client + 1);
        Settle();
        sw.Restart();
        foreach (var u in updates) remote.ApplyUpdate(u);
        var remoteMs = sw.Elapsed.TotalMilliseconds;

        var encoded = doc.EncodeStateAsUpdate();
        Settle();
        sw.Restart();
        var parsed = new Doc(client + 2);
        parsed.ApplyUpdate(encoded);
        var parseMs = sw.Elapsed.TotalMilliseconds;

        var correct = text.ToString() == trace.EndContent
            && remote.GetText("code").ToString() == trace.EndContent
            && parsed.GetText("code").ToString() == trace.EndContent;
        return new JsonObject
        {
            ["patches"] = patches,
            ["localApplyMs"] = Math.Round(localMs, 1),
            ["applyRemoteUpdatesMs"] = Math.Round(remoteMs, 1),
            ["encodedBytes"] = encoded.Length,
            ["parseFullMs"] = Math.Round(parseMs, 1),
            ["correct"] = correct,
        };
    }

    /// <summary>A full collection before each measured phase (bench.mjs does the same with gc()), so one phase's
    /// garbage is not collected inside the next one's time.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static async Task<JsonObject> RunYjsAsync(string tracePath, uint client, int runs)
    {
        var oracle = Path.Combine(RepoRoot(), "tests", "yjs-oracle");
        if (!Directory.Exists(Path.Combine(oracle, "node_modules", "yjs")))
            throw new CommandLineException($"{oracle}/node_modules is missing: run scripts/test.sh (or npm ci there) first");
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = oracle,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--expose-gc", "bench.mjs", "--trace", tracePath, "--client", client.ToString(CultureInfo.InvariantCulture), "--runs", runs.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bench.mjs failed: {stderr}");
        return JsonNode.Parse(stdout.Trim())!.AsObject();
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("PeerCode.sln not found above " + AppContext.BaseDirectory);
    }
}
