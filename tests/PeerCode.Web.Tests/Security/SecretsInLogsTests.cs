using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Application.Accounts;
using PeerCode.Application.EventStore;
using PeerCode.Domain.Accounts;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Security;

public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task With_every_category_at_Information_no_password_hash_token_invitation_code_or_link_secret_reaches_the_log()
    {
        var data = Repo.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data,
            "--Logging:LogLevel:Default", "Information", "--Logging:LogLevel:Microsoft", "Information", "--Logging:LogLevel:Microsoft.AspNetCore", "Information");
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        var wrongPassword = "Wrong-" + Guid.NewGuid().ToString("N");
        const string email = "secret.keeper@example.com";

        (await http.PostAsJsonAsync("/api/account/register", new { email, password, displayName = "Keeper" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await http.PostAsJsonAsync("/api/account/token", new { email, password = wrongPassword })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var tokens = await (await http.PostAsJsonAsync("/api/account/token", new { email, password })).Content.ReadFromJsonAsync<JsonElement>();
        var accessToken = tokens.GetProperty("accessToken").GetString()!;
        var refreshToken = tokens.GetProperty("refreshToken").GetString()!;
        (await http.PostAsJsonAsync("/api/account/refresh", new { refreshToken })).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) })
            (await browser.PostAsJsonAsync("/api/account/signin", new { email, password })).StatusCode.Should().Be(HttpStatusCode.OK);

        using var admin = TestAccounts.BearerClient(server.BaseUrl, accessToken);
        var invitation = await (await admin.PostAsJsonAsync("/api/admin/invitations", new { email = "next@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var code = invitation.GetProperty("code").GetString()!;
        var room = await (await admin.PostAsJsonAsync("/api/rooms", new { title = "Secrets", language = "python" })).Content.ReadFromJsonAsync<JsonElement>();
        var roomId = room.GetProperty("roomId").GetGuid();
        var links = new[] { "interviewer", "candidate", "observer" }.Select(r => room.GetProperty("links").GetProperty(r).GetString()!.Split('#')[1]).ToList();

        // The hub with the access token in the query string (as browsers send it) and a link token in JoinRoom; a wrong link too.
        var joins = await NodeScript.RunAsync("matrix.mjs", server.BaseUrl, new
        {
            cases = new object[]
            {
                new { key = "interviewer", accessToken, roomId = roomId.ToString("N"), linkToken = links[0], method = "JoinRoom", args = Array.Empty<object>() },
                new { key = "candidate", accessToken = (string?)null, roomId = roomId.ToString("N"), linkToken = links[1], method = "SendChat", args = new object[] { "hi" } },
                new { key = "wrong", accessToken = (string?)null, roomId = roomId.ToString("N"), linkToken = links[2] + "x", method = "JoinRoom", args = Array.Empty<object>() },
            },
        });
        joins.GetProperty("interviewer").GetProperty("ok").GetBoolean().Should().BeTrue(joins.ToString());
        joins.GetProperty("wrong").GetProperty("code").GetString().Should().Be("invalid-token");
        (await http.GetAsync($"/api/rooms/{roomId:N}/replay/state?token={links[2]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var runs = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        runs.DefaultRequestHeaders.Add("X-Room-Token", links[1]);
        (await runs.GetAsync($"/api/rooms/{roomId:N}/runs")).StatusCode.Should().Be(HttpStatusCode.OK);

        string hash;
        await using (var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = data }))
        {
            var registered = new List<AccountRegistered>();
            await foreach (var r in store.ReadStreamAsync(AccountEventTypes.StreamOf(AccountIds.ForEmail(email)), 0, Direction.Forwards, 100))
                if (AccountEventCodec.Decode(r) is AccountRegistered e) registered.Add(e);
            hash = registered.Single().PasswordHash;
        }

        await Task.Delay(300); // the console logger writes on its own thread
        var log = server.FullOutput;
        log.Should().Contain("registered", "Information logs are captured, so their absence of secrets means something");
        var secrets = new Dictionary<string, string>
        {
            ["password"] = password, ["wrong password"] = wrongPassword, ["password hash"] = hash, ["access token"] = accessToken,
            ["refresh token"] = refreshToken, ["invitation code"] = code, ["interviewer link"] = links[0], ["candidate link"] = links[1],
            ["observer link"] = links[2],
        };
        foreach (var (what, secret) in secrets)
        {
            log.Should().NotContain(secret, $"the {what} must never be logged");
            // JSON logs escape some characters; a prefix long enough to be unguessable must not appear either.
            log.Should().NotContain(secret[..Math.Min(24, secret.Length)], $"no prefix of the {what} may be logged");
        }
    }
}
