using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using PeerCode.Web.Tests.Runs;
using Xunit;

namespace PeerCode.Web.Tests.Security;

public sealed class SecurityTests
{
    [Fact]
    public async Task Every_response_carries_the_CSP_and_anti_framing_headers_and_HSTS_appears_only_for_HTTPS_behind_a_trusted_proxy()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        foreach (var path in new[] { "/", "/dashboard/index.html", "/api/account/me", "/api/languages" })
        {
            using var response = await http.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.Should().Contain("default-src 'self'").And.Contain("script-src 'self';").And.Contain("worker-src 'self' blob:")
                .And.Contain("frame-ancestors 'none'").And.Contain("object-src 'none'").And.NotContain("unsafe-eval");
            response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
            response.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
            response.Headers.GetValues("Referrer-Policy").Single().Should().Be("no-referrer");
            response.Headers.Contains("Strict-Transport-Security").Should().BeFalse($"{path} came over plain HTTP");
        }

        // nginx (deploy/nginx.conf) terminates TLS and says so in X-Forwarded-Proto; loopback proxies are trusted by default.
        var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/api/languages");
        viaProxy.Headers.Host = "peercode.example.org";
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        using var secure = await http.SendAsync(viaProxy);
        secure.Headers.GetValues("Strict-Transport-Security").Single().Should().StartWith("max-age=31536000");
    }

    [Fact]
    public async Task Rate_limits_refuse_sign_in_runs_and_chat_beyond_their_configured_numbers_with_429_problems_and_typed_hub_errors()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory(),
            "--PeerCode:RateLimits:Auth:PermitLimit", "4", "--PeerCode:RateLimits:Runs:PermitLimit", "1", "--PeerCode:RateLimits:Chat:PermitLimit", "2");
        // The test admin costs three auth calls (a failed token, register, token): one more is allowed, the next is refused.
        var admin = await TestAccounts.AdminAsync(server.BaseUrl);
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        (await http.PostAsJsonAsync("/api/account/token", new { email = admin.Email, password = admin.Password })).StatusCode.Should().Be(HttpStatusCode.OK);
        using var limited = await http.PostAsJsonAsync("/api/account/token", new { email = admin.Email, password = admin.Password });
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("rate-limited");
        problem.GetProperty("detail").GetString().Should().Contain("try again in");
        limited.Headers.RetryAfter.Should().NotBeNull();

        using var adminHttp = admin.Client(server.BaseUrl);
        var room = await (await adminHttp.PostAsJsonAsync("/api/rooms", new { title = "Limits", language = "python" })).Content.ReadFromJsonAsync<JsonElement>();
        var roomId = room.GetProperty("roomId").GetGuid();
        string Token(string role) => room.GetProperty("links").GetProperty(role).GetString()!.Split('#')[1];
        using var candidate = RunsTestKit.Client(server.BaseUrl, Token("candidate"));
        (await candidate.PostAsJsonAsync($"/api/rooms/{roomId:N}/runs", new { language = "python" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        using var second = await candidate.PostAsJsonAsync($"/api/rooms/{roomId:N}/runs", new { language = "python" });
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("rate-limited");

        // Hub: three chats and two runs from one client address; the limit's excess fails as "rate-limited" before anything is recorded.
        var cases = Enumerable.Range(0, 3).Select(i => new { key = $"chat{i}", accessToken = (string?)null, roomId = roomId.ToString("N"),
                linkToken = Token("candidate"), method = "SendChat", args = new object?[] { $"hello {i}" } })
            // The same address signed in with an account: its own bucket, which shows the hub sees Context.User from access_token.
            .Append(new { key = "chat-signed-in", accessToken = (string?)admin.AccessToken, roomId = roomId.ToString("N"),
                linkToken = Token("interviewer"), method = "SendChat", args = new object?[] { "from an account" } })
            .Concat(Enumerable.Range(0, 2).Select(i => new { key = $"run{i}", accessToken = (string?)admin.AccessToken, roomId = roomId.ToString("N"),
                linkToken = Token("interviewer"), method = "RequestRun", args = new object?[] { "python", null, null } }))
            .ToList();
        var results = await NodeScript.RunAsync("matrix.mjs", server.BaseUrl, new { cases });
        string?[] Codes(string prefix) => cases.Where(c => c.key.StartsWith(prefix)).Select(c => results.GetProperty(c.key).GetProperty("code").GetString()).ToArray();
        Codes("chat").Should().BeEquivalentTo(new string?[] { null, null, "rate-limited", null });
        Codes("run").Should().BeEquivalentTo(new string?[] { null, "rate-limited" });
        var chats = 0;
        await using (var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = server.DataDirectory }))
            await foreach (var r in store.ReadStreamAsync(RoomEventTypes.StreamOf(roomId), 0, Direction.Forwards, int.MaxValue))
                if (RoomEventCodec.Decode(r) is ChatMessagePosted) chats++;
        chats.Should().Be(3, "the refused chat was never recorded");
    }
}
