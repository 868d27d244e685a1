using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;

namespace PeerCode.Web.Tests.Interviews;

/// <summary>One real server with an admin and two interviewers (Ivy schedules, Otto interviews elsewhere) for the interview tests.</summary>
public sealed class InterviewServer : IAsyncDisposable
{
    public ServerProcess Server { get; private set; } = null!;
    public TestAccount Admin { get; private set; } = null!;
    public TestAccount Ivy { get; private set; } = null!;
    public TestAccount Otto { get; private set; } = null!;

    public static async Task<InterviewServer> StartAsync(params string[] extraArgs)
    {
        var s = new InterviewServer { Server = await ServerProcess.StartAsync(Repo.NewDataDirectory(), extraArgs) };
        s.Admin = await TestAccounts.RegisterFirstAdminAsync(s.Server.BaseUrl);
        s.Ivy = await TestAccounts.CreateInterviewerAsync(s.Server.BaseUrl, s.Admin, "ivy@example.com", "Ivy");
        s.Otto = await TestAccounts.CreateInterviewerAsync(s.Server.BaseUrl, s.Admin, "otto@example.com", "Otto");
        return s;
    }

    public HttpClient Anonymous() => new() { BaseAddress = new Uri(Server.BaseUrl) };

    /// <summary>A client carrying a room link's token in X-Room-Token (and nothing else).</summary>
    public HttpClient WithRoomToken(string link)
    {
        var http = Anonymous();
        http.DefaultRequestHeaders.Add("X-Room-Token", InterviewsTestKit.TokenOf(link));
        return http;
    }

    public async Task<Scheduled> ScheduleAsync(TestAccount by, object? body = null)
    {
        using var http = by.Client(Server.BaseUrl);
        var response = await http.PostAsJsonAsync("/api/interviews", body ?? new
        {
            title = "Backend pairing", scheduledFor = DateTimeOffset.UtcNow.AddHours(1), candidateName = "Cleo Candidate",
            candidateEmail = "cleo@example.com", language = "python",
        });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        var links = json.GetProperty("links");
        return new Scheduled(json.GetProperty("interviewId").GetGuid(), json.GetProperty("roomId").GetGuid(),
            links.GetProperty("interviewer").GetString()!, links.GetProperty("candidate").GetString()!, links.GetProperty("observer").GetString()!, json);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed record Scheduled(Guid InterviewId, Guid RoomId, string InterviewerLink, string CandidateLink, string ObserverLink, JsonElement Body);

public sealed record JoinAttempt(Guid RoomId, string? Token, string Name, string? AccessToken = null);

public sealed record JoinOutcome(bool Ok, string? Role, string? Error);

public static class InterviewsTestKit
{
    public static string TokenOf(string link) => link[(link.IndexOf('#') + 1)..];

    /// <summary>Each attempt is one real SignalR connection (tests/hub-client/access.mjs) invoking JoinRoom.</summary>
    public static async Task<IReadOnlyList<JoinOutcome>> JoinAsync(string baseUrl, params JoinAttempt[] attempts)
    {
        var json = await AccessScriptAsync(baseUrl, new
        {
            attempts = attempts.Select(a => new { roomId = a.RoomId.ToString("N"), token = a.Token, name = a.Name, accessToken = a.AccessToken }),
        });
        return json.GetProperty("results").EnumerateArray()
            .Select(r => new JoinOutcome(r.GetProperty("ok").GetBoolean(), r.GetProperty("role").GetString(), r.GetProperty("error").GetString()))
            .ToList();
    }

    /// <summary>Joins with <paramref name="link"/>, chats, has <paramref name="revoker"/> POST <paramref name="revokeUrl"/> while connected, chats again: the two refusals (null: accepted).</summary>
    public static async Task<(string? Before, string? After)> ChatAcrossRevocationAsync(string baseUrl, Guid roomId, string link, string revokeUrl, string revokerAccessToken)
    {
        var json = await AccessScriptAsync(baseUrl, new
        {
            live = new { roomId = roomId.ToString("N"), token = TokenOf(link), name = "Cleo", revoke = new { url = revokeUrl, accessToken = revokerAccessToken } },
        });
        return (json.GetProperty("before").GetString(), json.GetProperty("after").GetString());
    }

    private static async Task<JsonElement> AccessScriptAsync(string baseUrl, object args)
    {
        var dir = Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("access.mjs");
        info.ArgumentList.Add(baseUrl);
        info.ArgumentList.Add(JsonSerializer.Serialize(args));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || line.Length == 0) throw new InvalidOperationException($"access.mjs failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", text);
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("code").GetString().Should().Be(code, text);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The room stream's last revision, read through replay as a signed-in interviewer of the room (no link needed).</summary>
    public static async Task<long> RoomRevisionAsync(InterviewServer s, Guid roomId)
    {
        using var http = s.Ivy.Client(s.Server.BaseUrl);
        return (await OkAsync(await http.GetAsync($"/api/rooms/{roomId}/replay/timeline"))).GetProperty("lastRevision").GetInt64();
    }
}
