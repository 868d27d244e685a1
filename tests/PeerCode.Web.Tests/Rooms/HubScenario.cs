using System.Diagnostics;
using System.Text.Json;

namespace PeerCode.Web.Tests.Rooms;

/// <summary>
/// Runs one scenario of tests/hub-client/scenario.mjs (or another <paramref name="script"/> there; the npm SignalR client with
/// yjs and y-protocols) and parses its JSON line.
/// </summary>
public static class HubScenario
{
    public static async Task<JsonElement> RunAsync(string scenario, string baseUrl, object? args = null, string script = "scenario.mjs")
    {
        var dir = Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(scenario);
        info.ArgumentList.Add(baseUrl);
        if (args is not null) info.ArgumentList.Add(JsonSerializer.Serialize(args, JsonSerializerOptions.Web));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
            throw new InvalidOperationException($"scenario {scenario} failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static IReadOnlyList<string> Strings(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).ToList();
}
