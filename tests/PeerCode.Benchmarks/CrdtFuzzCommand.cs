using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PeerCode.Domain.Crdt;

namespace PeerCode.Benchmarks;

/// <summary>
/// crdt-fuzz --seeds A-B: the long version of the differential fuzz tests (the suite runs a fixed set). For each
/// seed, yjs clients edit concurrently (tests/yjs-oracle/fuzz.mjs; seeds 1001-2000 also edit a map and an
/// array, seeds above 2000 also format the text); the engine applies the updates in the shuffled order with duplicates and must end with yjs's text,
/// state vector and encoded state, byte for byte. With --no-gc the engine keeps deleted content (as replay
/// documents do): then text and state vector must match, and every snapshot taken along the way must read
/// back as the text of its moment. Prints one JSON line; failing seeds are listed.
/// </summary>
public static class CrdtFuzzCommand
{
    // A later cut inside a surrogate pair turns both halves into U+FFFD (as in yjs), also in earlier moments.
    private static bool SameIgnoringRepairs(string a, string b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First == p.Second || char.IsSurrogate(p.First) || char.IsSurrogate(p.Second) || p.First == '\uFFFD' || p.Second == '\uFFFD');

    public static async Task<int> RunAsync(CommandLine cl)
    {
        var range = cl.Require("seeds").Split('-');
        if (range.Length != 2 || !int.TryParse(range[0], out var first) || !int.TryParse(range[1], out var last) || last < first)
            throw new CommandLineException("--seeds must look like 1-500");
        var gc = !cl.Has("no-gc");
        var oracle = Path.Combine(CrdtBenchmark.RepoRoot(), "tests", "yjs-oracle");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = oracle, RedirectStandardOutput = true };
        foreach (var a in new[] { "fuzz.mjs", "--seeds", $"{first}-{last}" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;

        var sw = Stopwatch.StartNew();
        var failed = new List<string>();
        var passed = 0;
        while (await p.StandardOutput.ReadLineAsync() is { } line)
        {
            var s = JsonDocument.Parse(line).RootElement;
            var seed = s.GetProperty("seed").GetInt32();
            try
            {
                var updates = s.GetProperty("updates").EnumerateArray().Select(u => Convert.FromBase64String(u.GetString()!)).ToArray();
                var doc = new Doc(clientId: 1, gc);
                var moments = new List<(Snapshot, string)>();
                foreach (var i in s.GetProperty("order").EnumerateArray())
                {
                    doc.ApplyUpdate(updates[i.GetInt32()]);
                    if (!gc) moments.Add((Snapshot.Of(doc), doc.GetText("code").ToString()));
                }
                var problems = new List<string>();
                foreach (var (snapshot, text) in moments)
                    if (!SameIgnoringRepairs(snapshot.TextAt(doc.GetText("code")), text)) { problems.Add("text at a snapshot"); break; }
                if (doc.HasPending) problems.Add("pending left");
                if (doc.GetText("code").ToString() != s.GetProperty("text").GetString()) problems.Add("text");
                if (Convert.ToBase64String(doc.EncodeStateVector()) != s.GetProperty("stateVector").GetString()) problems.Add("state vector");
                if (gc && Convert.ToBase64String(doc.EncodeStateAsUpdate()) != s.GetProperty("state").GetString()) problems.Add("encoded state");
                if (problems.Count == 0) passed++;
                else failed.Add($"{seed}: {string.Join(", ", problems)}");
            }
            catch (Exception e) when (e is CrdtFormatException or InvalidOperationException)
            {
                failed.Add($"{seed}: {e.GetType().Name}: {e.Message}");
            }
        }
        await p.WaitForExitAsync();
        Console.Out.Flush();
        if (p.ExitCode != 0) throw new InvalidOperationException("fuzz.mjs failed");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            suite = "crdt-fuzz",
            seeds = $"{first}-{last}",
            gc,
            passed,
            failed,
            seconds = Math.Round(sw.Elapsed.TotalSeconds, 1).ToString(CultureInfo.InvariantCulture),
        }));
        return failed.Count == 0 ? 0 : 1;
    }
}
