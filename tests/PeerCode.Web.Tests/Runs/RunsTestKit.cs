using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Runs;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Web.Tests.Rooms;

namespace PeerCode.Web.Tests.Runs;

/// <summary>Helpers of the run tests: the Node run scenarios (tests/hub-client/runs.mjs), REST calls with a room token (header X-Room-Token), the room stream's run events.</summary>
public static class RunsTestKit
{
    public static async Task<JsonElement> ScenarioAsync(string scenario, string baseUrl, object? args = null)
    {
        var dir = Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "runs.mjs", scenario, baseUrl }) info.ArgumentList.Add(a);
        if (args is not null) info.ArgumentList.Add(JsonSerializer.Serialize(args, JsonSerializerOptions.Web));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
            throw new InvalidOperationException($"runs scenario {scenario} failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static HttpClient Client(string baseUrl, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        if (token is not null) http.DefaultRequestHeaders.Add("X-Room-Token", token);
        return http;
    }

    /// <summary>GET /api/runs/{runId} until the run completed (or the time is up).</summary>
    public static async Task<JsonElement> CompletedAsync(HttpClient http, string runId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await http.GetAsync($"/api/runs/{runId}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET run answered {(int)response.StatusCode}: {body}");
            if (body.GetProperty("status").GetString() == "completed") return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId} did not complete: {body}");
            await Task.Delay(100);
        }
    }

    /// <summary>The run events of a room's stream, read from the SQLite file (a second reader beside the server is fine: WAL).</summary>
    public static async Task<IReadOnlyList<RunEvent>> RunEventsAsync(string dataDirectory, Guid roomId)
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = dataDirectory });
        var events = new List<RunEvent>();
        await foreach (var r in store.ReadStreamAsync(RoomEventTypes.StreamOf(roomId), StreamPosition.Start, Direction.Forwards, int.MaxValue))
            if (RunEventSerializer.Deserialize(r.Type, r.Data.Span) is { } e) events.Add(e);
        return events;
    }

    public static async Task<(Guid RoomId, JsonElement Tokens)> RoomWithCodeAsync(string baseUrl, params string[] pieces)
    {
        var written = await HubScenario.RunAsync("write", baseUrl, new { pieces });
        written.Strings("failures").Should().BeEmpty();
        return (Guid.Parse(written.GetProperty("roomId").GetString()!), written.GetProperty("tokens"));
    }
}
