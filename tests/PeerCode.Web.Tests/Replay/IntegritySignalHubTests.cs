using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Replay;

/// <summary>
/// ReportPaste and ReportFocus through the real hub (the npm SignalR client, tests/hub-client/signals.mjs) against a real
/// server process: accepted signals are stored in order and replay shows them; refused ones are not stored.
/// </summary>
public sealed class IntegritySignalHubTests
{
    [Fact]
    public async Task A_candidates_paste_and_focus_changes_are_stored_and_replayed_and_refused_reports_are_not_stored()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var result = await RunAsync(server.BaseUrl);
        result.GetProperty("candidateFailures").EnumerateArray().Select(e => e.GetString()).Should().ContainSingle()
            .Which.Should().Contain("invalid-paste-size");
        result.GetProperty("observerFailures").EnumerateArray().Select(e => e.GetString()).Should().ContainSingle()
            .Which.Should().Contain("read-only");
        result.GetProperty("candidateClosed").GetBoolean().Should().BeFalse("a refused signal is not hostile");

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Room-Token", result.GetProperty("interviewer").GetString());
        var roomId = result.GetProperty("roomId").GetString();
        var state = await http.GetFromJsonAsync<JsonElement>($"{server.BaseUrl}/api/rooms/{roomId}/replay/state");
        var signals = state.GetProperty("signals").EnumerateArray().ToList();
        signals.Select(s => s.GetProperty("kind").GetString()).Should().Equal("paste", "focus-lost", "focus-regained");
        signals[0].GetProperty("size").GetInt32().Should().Be(640);
        signals.Should().OnlyContain(s => s.GetProperty("name").GetString() == "Cora");

        var page = await http.GetFromJsonAsync<JsonElement>($"{server.BaseUrl}/api/rooms/{roomId}/replay/events?count=1000");
        page.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "room.paste-detected.v1")
            .Should().Be(1, "the refused paste reports were not stored");
    }

    private static async Task<JsonElement> RunAsync(string baseUrl)
    {
        var dir = Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("signals.mjs");
        info.ArgumentList.Add(baseUrl);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || line.Length == 0) throw new InvalidOperationException($"signals.mjs failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
