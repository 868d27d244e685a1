using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PeerCode.Application.EventStore;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Reports;

/// <summary>The web host with projections in-process over a real embedded event store and SQLite read models in a temp directory.</summary>
public sealed class ReportsApiTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "peercode-web-reports-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _http = null!;
    private readonly Guid _room = Guid.NewGuid();
    private readonly Guid _alice = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("PeerCode:DataDirectory", _data);
            b.UseSetting("Projections:Mode", "inprocess");
        });
        _http = _factory.CreateClient();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await PeerCode.Web.Tests.Accounts.TestAccounts.AdminTokenAsync(_http));
        var events = _factory.Services.GetRequiredService<IEventStore>();
        var stream = "room-" + _room.ToString("N");
        var run = Guid.NewGuid();
        await events.AppendAsync(stream, ExpectedRevision.NoStream,
        [
            Event("room.created.v1", new { roomId = _room, title = "Backend, \"senior\"", language = "python", at = T0 }),
            Event("room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#fff", at = T0.AddMinutes(1) }),
            Event("room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = _alice, name = "Alice", text = "hi", at = T0.AddMinutes(2) }),
            Event("room.run-requested.v1", new { runId = run, requestedBy = _alice, language = "python", at = T0.AddMinutes(3) }),
            Event("room.run-completed.v1", new { runId = run, verdict = "ok", wallMs = 120, at = T0.AddMinutes(3).AddSeconds(2) }),
        ]);
        var other = Guid.NewGuid();
        await events.AppendAsync("room-" + other.ToString("N"), ExpectedRevision.NoStream,
            [Event("room.created.v1", new { roomId = other, title = "Frontend", language = "javascript", at = T0.AddDays(1) })]);
        await CaughtUpAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static EventData Event(string type, object data) =>
        new(Guid.NewGuid(), type, JsonSerializer.SerializeToUtf8Bytes(data, JsonSerializerOptions.Web), EventMetadata.Empty);

    private async Task<JsonElement> CaughtUpAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await _http.GetFromJsonAsync<JsonElement>("/api/admin/projections");
            if (status.EnumerateArray().All(p => p.GetProperty("lag").GetInt64() == 0)) return status;
            DateTime.UtcNow.Should().BeBefore(deadline, "projections should catch up: " + status);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Reports_page_filter_and_read_the_projected_rows()
    {
        var all = await _http.GetFromJsonAsync<JsonElement>("/api/reports/rooms?pageSize=1");
        all.GetProperty("total").GetInt64().Should().Be(2);
        all.GetProperty("rows").GetArrayLength().Should().Be(1);
        all.GetProperty("rows")[0].GetProperty("title").GetString().Should().Be("Frontend"); // newest first

        var active = await _http.GetFromJsonAsync<JsonElement>("/api/reports/rooms?status=active&to=2026-03-03");
        var row = active.GetProperty("rows").EnumerateArray().Should().ContainSingle().Subject;
        row.GetProperty("room_id").GetString().Should().Be(_room.ToString());
        row.GetProperty("started_at").GetString().Should().Be("2026-03-02T10:01:00.000Z");

        var runs = await _http.GetFromJsonAsync<JsonElement>($"/api/reports/runs?room_id={_room}&passed=true");
        runs.GetProperty("rows")[0].GetProperty("wall_ms").GetInt64().Should().Be(120);

        var timeline = await _http.GetFromJsonAsync<JsonElement>($"/api/reports/timeline?room_id={_room}");
        timeline.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("kind").GetString())
            .Should().Equal("joined", "chat", "run-requested", "run-completed");
    }

    [Fact]
    public async Task Csv_export_by_query_or_accept_header_quotes_fields_per_rfc_4180()
    {
        var byQuery = await _http.GetStringAsync("/api/reports/rooms?format=csv&language=python");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/rooms?language=python");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await _http.SendAsync(request);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var byHeader = await response.Content.ReadAsStringAsync();

        byHeader.Should().Be(byQuery);
        var lines = byQuery.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines[0].Should().StartWith("room_id,interview_id,title,status,language");
        lines[1].Should().StartWith($"{_room},,\"Backend, \"\"senior\"\"\",active,python,");
    }

    [Theory]
    [InlineData("/api/reports/rooms?status=sleeping", "status must be one of")]
    [InlineData("/api/reports/rooms?from=yesterday", "from must be an ISO-8601")]
    [InlineData("/api/reports/rooms?colour=red", "has no filter 'colour'")]
    [InlineData("/api/reports/rooms?pageSize=5000", "pageSize must be between 1 and 1000")]
    [InlineData("/api/reports/daily?from=2026-13-01", "from must be a day")]
    [InlineData("/api/reports/nothing", "There is no report 'nothing'")]
    [InlineData("/api/reports/rooms?format=csv&status=sleeping", "status must be one of")]
    public async Task Bad_report_queries_are_problem_details_that_say_what_to_send(string url, string message)
    {
        var response = await _http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain(message);
    }

    [Fact]
    public async Task Rebuild_from_the_admin_endpoint_replays_to_the_same_rows_and_unknown_names_are_rejected()
    {
        var before = await _http.GetStringAsync("/api/reports/activity?format=csv");

        var bad = await _http.PostAsJsonAsync("/api/admin/projections/rebuild", new { projections = new[] { "activity", "nope" } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("nope");

        var ok = await _http.PostAsJsonAsync("/api/admin/projections/rebuild", new { projections = new[] { "activity", "rooms" } });
        ok.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var status = await CaughtUpAsync();
        var activity = status.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "activity");
        activity.GetProperty("eventsProcessed").GetInt64().Should().Be(4);
        activity.GetProperty("rebuilding").GetBoolean().Should().BeFalse();
        activity.GetProperty("rebuildProgress").GetDouble().Should().Be(1.0);
        (await _http.GetStringAsync("/api/reports/activity?format=csv")).Should().Be(before);
    }

    [Theory]
    [InlineData("/dashboard/index.html", "text/html")]
    [InlineData("/dashboard/interview.html", "text/html")]
    [InlineData("/dashboard/projections.html", "text/html")]
    [InlineData("/dashboard/dashboard.js", "text/javascript")]
    [InlineData("/dashboard/vendor/chart.umd.js", "text/javascript")]
    public async Task Dashboard_pages_and_the_charting_library_are_served(string url, string mediaType)
    {
        var response = await _http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the build copies chart.js from src/Web/Dashboard/node_modules (npm ci)");
        response.Content.Headers.ContentType!.MediaType.Should().Be(mediaType);
        (await response.Content.ReadAsStringAsync()).Length.Should().BeGreaterThan(100);
    }
}
