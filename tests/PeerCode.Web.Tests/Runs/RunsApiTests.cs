using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Runs;

/// <summary>One real server process (real SQLite store and Quartz job store, real sandbox) for the REST run tests; a room may have one unfinished run.</summary>
public sealed class RunsServer : IAsyncLifetime
{
    public string Data { get; } = Repo.NewDataDirectory();
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync(Data, "--PeerCode:Runs:MaxUnfinishedPerRoom", "1");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RunsApiTests(RunsServer fx) : IClassFixture<RunsServer>
{
    private const string Code = "import sys\nprint('hello ' + sys.stdin.read())\n";

    [Fact]
    public async Task A_run_requested_over_rest_runs_the_rooms_code_and_its_status_shows_the_ok_verdict_figures_and_output()
    {
        var (roomId, tokens) = await RunsTestKit.RoomWithCodeAsync(fx.Server.BaseUrl, "import sys\n", "print('hello ' + sys.stdin.read())\n");
        using var interviewer = RunsTestKit.Client(fx.Server.BaseUrl, tokens.GetProperty("interviewer").GetString());

        var response = await interviewer.PostAsJsonAsync($"/api/rooms/{roomId:N}/runs", new
        {
            language = "python", stdin = "world",
            tests = new[] { new { name = "greets", stdin = "x", expectedStdout = "hello x", hidden = false } },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        response.Headers.Location!.ToString().Should().Be($"/api/runs/{runId}");

        var run = await RunsTestKit.CompletedAsync(interviewer, runId);
        run.GetProperty("verdict").GetString().Should().Be("ok");
        run.GetProperty("exitCode").GetInt32().Should().Be(0);
        run.GetProperty("stdout").GetString().Should().Be("hello world\n");
        run.GetProperty("stderr").GetString().Should().BeEmpty();
        run.GetProperty("language").GetString().Should().Be("python");
        run.GetProperty("requestedBy").GetString().Should().Be("api:interviewer");
        run.GetProperty("codeSha256").GetString().Should().Be(RunDecider.Sha256(Code));
        run.GetProperty("wallMs").GetInt64().Should().BePositive();
        run.GetProperty("peakMemoryKb").GetInt64().Should().BePositive();
        run.GetProperty("node").GetString().Should().NotBeNullOrEmpty();
        var test = run.GetProperty("testResults").EnumerateArray().Should().ContainSingle().Subject;
        test.GetProperty("verdict").GetString().Should().Be("passed");

        // The candidate's token reads it too; no token, a wrong token or an unknown run are refused with the reason.
        using var candidate = RunsTestKit.Client(fx.Server.BaseUrl, tokens.GetProperty("candidate").GetString());
        (await RunsTestKit.CompletedAsync(candidate, runId)).GetProperty("stdout").GetString().Should().Be("hello world\n");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, null).GetAsync($"/api/runs/{runId}"), HttpStatusCode.Unauthorized, "missing-token");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, "not-a-token").GetAsync($"/api/runs/{runId}"), HttpStatusCode.Unauthorized, "invalid-token");
        await ExpectProblemAsync(interviewer.GetAsync($"/api/runs/{roomId:N}-0123456789abcdef"), HttpStatusCode.NotFound, "run-not-found");
        await ExpectProblemAsync(interviewer.GetAsync("/api/runs/nonsense"), HttpStatusCode.NotFound, "run-not-found");

        // The room's run list (what a page joining later fills its history from) has it too.
        var list = await candidate.GetFromJsonAsync<JsonElement>($"/api/rooms/{roomId:N}/runs");
        list.EnumerateArray().Should().ContainSingle().Which.GetProperty("verdict").GetString().Should().Be("ok");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, "wrong").GetAsync($"/api/rooms/{roomId:N}/runs"), HttpStatusCode.Unauthorized, "invalid-token");

        // The room stream holds the run's whole lifecycle, with the exact code the server's document held.
        var events = await RunsTestKit.RunEventsAsync(fx.Data, roomId);
        events.Select(e => e.GetType()).Should().Equal(typeof(RunRequested), typeof(RunQueued), typeof(RunStarted), typeof(RunOutput), typeof(RunCompleted));
        events.OfType<RunRequested>().Single().Code.Should().Be(Code);
    }

    [Fact]
    public async Task Every_bad_request_gets_a_problem_detail_a_person_can_act_on_and_nothing_is_recorded_or_queued()
    {
        var (roomId, tokens) = await RunsTestKit.RoomWithCodeAsync(fx.Server.BaseUrl, Code);
        using var interviewer = RunsTestKit.Client(fx.Server.BaseUrl, tokens.GetProperty("interviewer").GetString());
        var url = $"/api/rooms/{roomId:N}/runs";
        object Test(string name, int bytes) => new { name, stdin = new string('i', bytes / 2), expectedStdout = new string('o', bytes / 2), hidden = false };

        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "cobol" }), HttpStatusCode.BadRequest, "unknown-language", "python");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "python", stdin = new string('x', (1 << 20) + 1) }),
            HttpStatusCode.BadRequest, "stdin-too-large", "1024 KiB");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "python", tests = Enumerable.Range(0, 51).Select(i => Test($"t{i}", 2)).ToArray() }),
            HttpStatusCode.BadRequest, "too-many-tests", "at most 50");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "python", tests = new[] { Test("big", (1 << 20) + 2) } }),
            HttpStatusCode.BadRequest, "test-too-large", "big");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "python", tests = Enumerable.Range(0, 5).Select(i => Test($"t{i}", 900_000)).ToArray() }),
            HttpStatusCode.BadRequest, "tests-too-large", "together");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync(url, new { language = "python", tests = new[] { new { name = " ", stdin = "", expectedStdout = "", hidden = false } } }),
            HttpStatusCode.BadRequest, "test-invalid", "name");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, tokens.GetProperty("observer").GetString()).PostAsJsonAsync(url, new { language = "python" }),
            HttpStatusCode.Forbidden, "observer-cannot-run", "Observers");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, null).PostAsJsonAsync(url, new { language = "python" }), HttpStatusCode.Unauthorized, "missing-token", "X-Room-Token");
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, "wrong").PostAsJsonAsync(url, new { language = "python" }), HttpStatusCode.Unauthorized, "invalid-token");
        await ExpectProblemAsync(interviewer.PostAsJsonAsync($"/api/rooms/{Guid.NewGuid():N}/runs", new { language = "python" }), HttpStatusCode.NotFound, "room-not-found");

        // Code over 1 MiB: the room's document itself is too large to run (three updates of 400,000 characters).
        var big = await RunsTestKit.ScenarioAsync("bigRoom", fx.Server.BaseUrl, new { pieces = 3, size = 400_000 });
        big.GetProperty("length").GetInt32().Should().Be(1_200_000);
        big.GetProperty("failures").EnumerateArray().Should().BeEmpty();
        var (bigRoom, bigTokens) = (Guid.Parse(big.GetProperty("roomId").GetString()!), big.GetProperty("tokens"));
        await ExpectProblemAsync(RunsTestKit.Client(fx.Server.BaseUrl, bigTokens.GetProperty("candidate").GetString())
            .PostAsJsonAsync($"/api/rooms/{bigRoom:N}/runs", new { language = "python" }), HttpStatusCode.BadRequest, "code-too-large", "1024 KiB");

        (await RunsTestKit.RunEventsAsync(fx.Data, roomId)).Should().BeEmpty();
        (await RunsTestKit.RunEventsAsync(fx.Data, bigRoom)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_request_beyond_the_rooms_limit_of_unfinished_runs_is_refused_with_429_and_only_the_first_is_recorded()
    {
        var (roomId, tokens) = await RunsTestKit.RoomWithCodeAsync(fx.Server.BaseUrl, "import time\ntime.sleep(2)\nprint('done')\n");
        using var candidate = RunsTestKit.Client(fx.Server.BaseUrl, tokens.GetProperty("candidate").GetString());
        var url = $"/api/rooms/{roomId:N}/runs";

        var first = await candidate.PostAsJsonAsync(url, new { language = "python" });
        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await ExpectProblemAsync(candidate.PostAsJsonAsync(url, new { language = "python" }), (HttpStatusCode)429, "too-many-runs", "wait for one to finish");

        var runId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        (await RunsTestKit.CompletedAsync(candidate, runId)).GetProperty("stdout").GetString().Should().Be("done\n");
        (await RunsTestKit.RunEventsAsync(fx.Data, roomId)).OfType<RunRequested>().Select(r => r.RunId).Should().Equal(runId);
        // Finished: the room may run again.
        (await candidate.PostAsJsonAsync(url, new { language = "python" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    private static async Task ExpectProblemAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string code, string? detailMentions = null)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("code").GetString().Should().Be(code, text);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        if (detailMentions is not null) problem.GetProperty("detail").GetString().Should().Contain(detailMentions);
    }
}
