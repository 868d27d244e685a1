using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Rooms;

public sealed class RoomsApiTests
{
    [Fact]
    public async Task Creating_a_room_returns_three_distinct_role_links_whose_tokens_carry_at_least_128_bits_and_bad_input_gets_problem_details()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var anonymous = new HttpClient();
        var refused = await anonymous.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "Backend", language = "csharp" });
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "creating a room needs a signed-in interviewer");
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var http = await TestAccounts.AdminClientAsync(server.BaseUrl);

        var created = await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "Backend", language = "csharp" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var roomId = body.GetProperty("roomId").GetGuid();
        created.Headers.Location!.ToString().Should().Be($"/r/{roomId:N}");
        var links = new[] { "interviewer", "candidate", "observer" }.Select(r => body.GetProperty("links").GetProperty(r).GetString()!).ToList();
        links.Should().OnlyHaveUniqueItems().And.OnlyContain(l => l.StartsWith($"{server.BaseUrl}/r/{roomId:N}#"));
        links.Select(l => l[(l.IndexOf('#') + 1)..]).Should().OnlyContain(t => Convert.FromBase64String(ToBase64(t)).Length * 8 >= 128);

        var bad = await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "x", language = "cobol" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("unknown-language");
        problem.GetProperty("detail").GetString().Should().Contain("'cobol' is not a supported language");

        (await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "  ", language = "go" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private static string ToBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }
}
