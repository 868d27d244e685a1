using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Tests.Rooms;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Replay;

/// <summary>
/// The replay REST contract over the real web host and a real SQLite store: access per role (interviewer and observer
/// may replay, the candidate may not), problem details for every refusal, what an observer may not see, the state at a
/// moment (text, cursors, chat, runs with their diff, signals), the timeline's markers and the summary export.
/// </summary>
public sealed class ReplayApiTests : IClassFixture<ReplayApiTests.Interview>
{
    private readonly Interview _i;

    public ReplayApiTests(Interview interview) => _i = interview;

    /// <summary>One recorded interview: two people, edits, a cursor, chat, two runs (one with a hidden test), a paste, focus lost and back, a private note.</summary>
    public sealed class Interview : IAsyncLifetime
    {
        public WebApplicationFactory<Program> Factory { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;
        public Guid RoomId { get; private set; }
        public string Interviewer { get; private set; } = "";
        public string Candidate { get; private set; } = "";
        public string Observer { get; private set; } = "";
        public long FirstRunRevision { get; private set; }
        public long LastRevision { get; private set; }

        public async Task InitializeAsync()
        {
            var dir = Repo.NewDataDirectory();
            Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("PeerCode:DataDirectory", dir));
            Http = Factory.CreateClient();
            var create = new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = JsonContent.Create(new { title = "Two sum", language = "python" }) };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TestAccounts.AdminTokenAsync(Http));
            var created = await (await Http.SendAsync(create)).Content.ReadFromJsonAsync<JsonElement>();
            RoomId = created.GetProperty("roomId").GetGuid();
            string TokenOf(string role) => created.GetProperty("links").GetProperty(role).GetString()!.Split('#')[1];
            (Interviewer, Candidate, Observer) = (TokenOf("interviewer"), TokenOf("candidate"), TokenOf("observer"));

            var store = Factory.Services.GetRequiredService<IEventStore>();
            var stream = RoomEventTypes.StreamOf(RoomId);
            var at = DateTimeOffset.UtcNow;
            var alice = Guid.NewGuid();
            var bob = Guid.NewGuid();
            var doc = new Doc(clientId: 7);
            byte[] Edit(Action<PeerCode.Domain.Crdt.Types.YText> change)
            {
                byte[]? update = null;
                void OnUpdate(byte[] u, Transaction _) => update = u;
                doc.UpdateV1 += OnUpdate;
                doc.Transact(_ => change(doc.GetText("monaco")));
                doc.UpdateV1 -= OnUpdate;
                return update!;
            }
            async Task<long> Append(params EventData[] events) => (await store.AppendAsync(stream, ExpectedRevision.Any, events)).NextExpectedRevision;
            EventData Room(IRoomEvent e) => RoomEventCodec.Encode(e, EventMetadata.Empty);
            EventData Raw(string type, object data) => new(Guid.NewGuid(), type, JsonSerializer.SerializeToUtf8Bytes(data, new JsonSerializerOptions(JsonSerializerDefaults.Web)), EventMetadata.Empty);

            await Append(
                Room(new ParticipantJoined(alice, "Alice", ParticipantRole.Interviewer, "#1f77b4", at)),
                Room(new ParticipantJoined(bob, "Bob", ParticipantRole.Candidate, "#ff7f0e", at)),
                Room(new DocumentUpdated(Edit(t => t.Insert(0, "print(1)\n")), 7, bob, at)),
                Room(new AwarenessUpdated([1], 7, bob, new TextPosition(1, 9), new TextPosition(1, 7), new TextPosition(1, 9), at)),
                Room(new ChatMessagePosted(Guid.NewGuid(), alice, "Alice", "Please run it", at)));
            FirstRunRevision = await Append(Raw("room.run-requested.v1", new
            {
                runId = "run-1", language = "python", code = "print(1)\n", codeSha256 = "a", stdin = "",
                tests = new object[]
                {
                    new { name = "visible", stdin = "1", expectedStdout = "1", hidden = false },
                    new { name = "secret", stdin = "HIDDEN-INPUT", expectedStdout = "HIDDEN-EXPECTED", hidden = true },
                },
                requestedBy = "Bob", at,
            }));
            await Append(
                Raw("room.run-started.v1", new { runId = "run-1", node = "n1", at }),
                Raw("room.run-output.v1", new { runId = "run-1", seq = 0, stream = "stdout", text = "1\n" }),
                Raw("room.run-completed.v1", new
                {
                    runId = "run-1", exitCode = 0, verdict = "ok", wallMs = 12, cpuMs = 5, peakMemoryKb = 2048, outputTruncated = false,
                    tests = new object[] { new { name = "secret", hidden = true, verdict = "wrong-answer", wallMs = 3 } }, at,
                }),
                Room(new PasteDetected(bob, 640, at)),
                Room(new FocusChanged(bob, false, at)),
                Room(new FocusChanged(bob, true, at.AddSeconds(5))),
                Raw("room.private-note-added.v1", new { text = "PRIVATE-NOTE: strong on tests", at }),
                Room(new DocumentUpdated(Edit(t => { t.Delete(6, 1); t.Insert(6, "2"); }), 7, bob, at)),
                Raw("room.run-requested.v1", new { runId = "run-2", language = "python", code = "print(2)\n", codeSha256 = "b", stdin = "", tests = Array.Empty<object>(), requestedBy = "Bob", at }));
            LastRevision = await Append(Raw("room.run-completed.v1", new
            {
                runId = "run-2", exitCode = 1, verdict = "runtime-error", wallMs = 9, outputTruncated = false, tests = Array.Empty<object>(), detail = "Exit code 1.", at,
            }));
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Factory.DisposeAsync();
        }
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? roomToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{_i.RoomId}/replay/{path}");
        if (roomToken is not null) request.Headers.Add("X-Room-Token", roomToken);
        return _i.Http.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be(code);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }

    [Fact]
    public async Task The_interviewer_replays_every_event_in_order_with_hidden_tests_and_private_notes()
    {
        var response = await GetAsync("events?from=0&count=1000", _i.Interviewer);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        var page = JsonDocument.Parse(body).RootElement;
        var events = page.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("revision").GetInt64()).Should().Equal(Enumerable.Range(0, (int)_i.LastRevision + 1).Select(i => (long)i));
        events[0].GetProperty("type").GetString().Should().Be("room.created.v1");
        events.Should().OnlyContain(e => e.GetProperty("recordedAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        page.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        body.Should().Contain("HIDDEN-EXPECTED").And.Contain("PRIVATE-NOTE");
    }

    [Fact]
    public async Task Events_are_paged_with_the_next_revision_to_ask_for()
    {
        var page = await (await GetAsync("events?from=3&count=4", _i.Interviewer)).Content.ReadFromJsonAsync<JsonElement>();
        page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("revision").GetInt64()).Should().Equal(3, 4, 5, 6);
        page.GetProperty("next").GetInt64().Should().Be(7);
        page.GetProperty("lastRevision").GetInt64().Should().Be(_i.LastRevision);
    }

    [Fact]
    public async Task An_observer_with_the_token_in_the_query_replays_without_hidden_test_data_or_private_notes()
    {
        var response = await _i.Http.GetAsync($"/api/rooms/{_i.RoomId}/replay/events?count=1000&token={Uri.EscapeDataString(_i.Observer)}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain("HIDDEN-EXPECTED").And.NotContain("HIDDEN-INPUT").And.NotContain("PRIVATE-NOTE");
        var events = JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().ToList();
        events.Should().HaveCount((int)_i.LastRevision + 1, "a redacted event keeps its place in the order");
        events.Single(e => e.GetProperty("type").GetString() == "room.private-note-added.v1").GetProperty("redacted").GetBoolean().Should().BeTrue();
        var run = events.First(e => e.GetProperty("type").GetString() == "room.run-requested.v1").GetProperty("data");
        run.GetProperty("code").GetString().Should().Be("print(1)\n", "the code that ran is not secret");
        run.GetProperty("tests")[0].GetProperty("expectedStdout").GetString().Should().Be("1", "visible tests stay");

        var state = await (await GetAsync("state", _i.Observer)).Content.ReadAsStringAsync();
        state.Should().NotContain("HIDDEN-EXPECTED").And.NotContain("HIDDEN-INPUT");
        var summary = await (await GetAsync("summary.md", _i.Observer)).Content.ReadAsStringAsync();
        summary.Should().NotContain("HIDDEN").And.NotContain("PRIVATE-NOTE");
    }

    [Fact]
    public async Task The_candidate_link_is_forbidden_with_a_problem_that_says_who_may_replay()
    {
        foreach (var path in new[] { "events", "state", "timeline", "summary.md", "summary.html" })
        {
            var problem = await ProblemAsync(await GetAsync(path, _i.Candidate), HttpStatusCode.Forbidden, "replay-forbidden");
            problem.GetProperty("detail").GetString().Should().Contain("interviewer and observer");
        }
    }

    [Fact]
    public async Task No_token_or_a_wrong_token_is_unauthorized_and_an_unknown_room_is_not_found()
    {
        var none = await GetAsync("state", null);
        await ProblemAsync(none, HttpStatusCode.Unauthorized, "token-required");
        none.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "RoomToken" && h.Parameter!.Contains("X-Room-Token"));
        await ProblemAsync(await GetAsync("events", "not-a-token-of-this-room"), HttpStatusCode.Unauthorized, "invalid-token");
        await ProblemAsync(await _i.Http.GetAsync($"/api/rooms/{Guid.NewGuid()}/replay/state?token={_i.Interviewer}"), HttpStatusCode.NotFound, "room-not-found");
    }

    [Theory]
    [InlineData("state?at=yesterday", "'at' must be")]
    [InlineData("state?at=999999", "outside this room's stream")]
    [InlineData("state?at=2001-01-01T00:00:00Z", "before the room was created")]
    [InlineData("events?from=-1", "'from'")]
    [InlineData("events?count=0", "'count'")]
    [InlineData("events?count=1001", "'count'")]
    public async Task Bad_parameters_are_bad_requests_that_name_the_parameter(string path, string says)
    {
        var problem = await ProblemAsync(await GetAsync(path, _i.Interviewer), HttpStatusCode.BadRequest, "invalid-replay-request");
        problem.GetProperty("detail").GetString().Should().Contain(says);
    }

    [Fact]
    public async Task The_state_at_the_end_has_the_text_language_named_cursor_chat_runs_with_their_diff_and_the_signals()
    {
        var state = await (await GetAsync("state", _i.Interviewer)).Content.ReadFromJsonAsync<JsonElement>();
        state.GetProperty("revision").GetInt64().Should().Be(_i.LastRevision);
        state.GetProperty("text").GetString().Should().Be("print(2)\n");
        state.GetProperty("language").GetString().Should().Be("python");
        var cursor = state.GetProperty("cursors").EnumerateArray().Single();
        cursor.GetProperty("name").GetString().Should().Be("Bob");
        cursor.GetProperty("cursor").GetProperty("column").GetInt32().Should().Be(9);
        cursor.GetProperty("selectionStart").GetProperty("column").GetInt32().Should().Be(7);
        state.GetProperty("chat").EnumerateArray().Single().GetProperty("text").GetString().Should().Be("Please run it");
        var runs = state.GetProperty("runs").EnumerateArray().ToList();
        runs.Select(r => r.GetProperty("verdict").GetString()).Should().Equal("ok", "runtime-error");
        runs[0].GetProperty("output")[0].GetProperty("text").GetString().Should().Be("1\n");
        runs[0].GetProperty("diffFromPrevious").ValueKind.Should().Be(JsonValueKind.Null);
        runs[1].GetProperty("code").GetString().Should().Be("print(2)\n");
        runs[1].GetProperty("diffFromPrevious").GetString().Should().Be("- print(1)\n+ print(2)\n  \n");
        state.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).Should().Equal("paste", "focus-lost", "focus-regained");
        state.GetProperty("document").ValueKind.Should().Be(JsonValueKind.Null, "the document is sent only when asked for");
    }

    [Fact]
    public async Task The_state_at_the_first_run_request_shows_it_requested_with_the_code_as_it_was_then()
    {
        var state = await (await GetAsync($"state?at={_i.FirstRunRevision}&document=true", _i.Interviewer)).Content.ReadFromJsonAsync<JsonElement>();
        state.GetProperty("text").GetString().Should().Be("print(1)\n");
        var run = state.GetProperty("runs").EnumerateArray().Single();
        run.GetProperty("status").GetString().Should().Be("requested");
        run.GetProperty("verdict").ValueKind.Should().Be(JsonValueKind.Null);
        state.GetProperty("signals").GetArrayLength().Should().Be(0);
        var doc = new Doc(clientId: 3);
        doc.ApplyUpdate(Convert.FromBase64String(state.GetProperty("document").GetString()!));
        doc.GetText("monaco").ToString().Should().Be("print(1)\n");
    }

    [Fact]
    public async Task The_timeline_has_markers_for_joins_chat_runs_coloured_by_verdict_the_large_paste_and_focus_loss()
    {
        var timeline = await (await GetAsync("timeline", _i.Observer)).Content.ReadFromJsonAsync<JsonElement>();
        var markers = timeline.GetProperty("markers").EnumerateArray().ToList();
        markers.Select(m => m.GetProperty("kind").GetString()).Should().Equal("join", "join", "chat", "run", "paste", "focus-lost", "run");
        markers.Where(m => m.GetProperty("kind").GetString() == "run").Select(m => m.GetProperty("verdict").GetString()).Should().Equal("ok", "runtime-error");
        markers.Select(m => m.GetProperty("revision").GetInt64()).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task The_summary_exports_as_markdown_and_as_a_printable_page_with_final_code_runs_figures_and_scorecard()
    {
        var md = await GetAsync("summary.md", _i.Interviewer);
        md.Content.Headers.ContentType!.MediaType.Should().Be("text/markdown");
        var text = await md.Content.ReadAsStringAsync();
        text.Should().Contain("# Interview summary: Two sum").And.Contain("```python\nprint(2)\n```").And.Contain("### Run 2: runtime-error")
            .And.Contain("- print(1)\n+ print(2)").And.Contain("| Pastes | 1 (1 of 200+ characters; largest 640) |")
            .And.Contain("| Editor focus lost | 1 times, 5 s away in total |").And.Contain("## Scorecard");
        var html = await GetAsync("summary.html", _i.Interviewer);
        html.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var page = await html.Content.ReadAsStringAsync();
        page.Should().StartWith("<!doctype html>").And.Contain("@media print").And.Contain("<span class=\"add\">+ print(2)</span>");
    }
}
