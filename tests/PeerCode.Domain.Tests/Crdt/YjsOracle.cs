using System.Diagnostics;
using System.Text.Json;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>Runs the scripts of tests/yjs-oracle with the real npm yjs package.</summary>
public static class YjsOracle
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string OracleDir => Path.Combine(RepoRoot, "tests", "yjs-oracle");

    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) return dir.FullName;
        throw new InvalidOperationException("PeerCode.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs <c>node script args</c> in the oracle folder, feeding <paramref name="stdin"/>, and returns stdout.</summary>
    public static string Run(string script, string args = "", string? stdin = null, int timeoutSeconds = 120)
    {
        if (!Directory.Exists(Path.Combine(OracleDir, "node_modules", "yjs")))
            throw new InvalidOperationException($"{OracleDir}/node_modules is missing: run scripts/test.sh (it runs npm ci) before the tests");
        var psi = new ProcessStartInfo("node", $"{script} {args}")
        {
            WorkingDirectory = OracleDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} {args} did not finish in {timeoutSeconds}s");
        }
        var stdout = stdoutTask.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"node {script} {args} failed ({p.ExitCode}): {stderrTask.Result}");
        return stdout;
    }

    public static IEnumerable<JsonElement> JsonLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone());
}
