using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Notes;

/// <summary>
/// Private notes over two real server processes sharing one SQLite store, driven by the npm SignalR client
/// (tests/hub-client/notes.mjs) that records every raw frame each connection receives. One interview is played once;
/// each test reads a different way out of it: the hub, the notes list, replay, the read models and reports.
/// </summary>
public sealed class NotePrivacyTests : IClassFixture<NotePrivacyTests.TwoServers>
{
    private static readonly string[] Watchers = ["coraA", "olgaA", "carlB", "ottoB", "lateCora", "lateOlga"];
    private readonly TwoServers _s;

    public NotePrivacyTests(TwoServers servers) => _s = servers;

    public sealed class TwoServers : IAsyncLifetime
    {
        public ServerProcess A { get; private set; } = null!;
        public ServerProcess B { get; private set; } = null!;
        public JsonElement Result { get; private set; }
        public string DataDirectory { get; } = Repo.NewDataDirectory();
        public string RoomId => Result.GetProperty("roomId").GetString()!;
        public string Token(string role) => Result.GetProperty("tokens").GetProperty(role).GetString()!;
        public string SecretA => Result.GetProperty("secretA").GetString()!;
        public string SecretB => Result.GetProperty("secretB").GetString()!;
        public string Salt { get; } = Guid.NewGuid().ToString("N")[..12];
        public JsonElement Client(string key) => Result.GetProperty("clients").GetProperty(key);
        public TestAccount Ivy { get; private set; } = null!;
        public TestAccount Ben { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            A = await ServerProcess.StartAsync(DataDirectory);
            B = await ServerProcess.StartAsync(DataDirectory);
            // Ivy (the first account: admin and interviewer) signs in on A, Ben (an invited interviewer) on B: one store, one key ring.
            Ivy = await TestAccounts.RegisterFirstAdminAsync(A.BaseUrl, "ivy@example.com", "Ivy");
            Ben = await TestAccounts.CreateInterviewerAsync(B.BaseUrl, Ivy, "ben@example.com", "Ben");
            Result = await HubScenario.RunAsync("privacy", A.BaseUrl,
                new { bases = new[] { A.BaseUrl, B.BaseUrl }, salt = Salt, accessTokens = new { ivy = Ivy.AccessToken, ben = Ben.AccessToken } }, "notes.mjs");
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    [Fact]
    public void Interviewers_on_both_processes_receive_every_note_live_in_order_with_author_and_trimmed_text()
    {
        foreach (var key in new[] { "ivyA", "benB" })
        {
            var c = _s.Client(key);
            c.GetProperty("role").GetString().Should().Be("interviewer");
            c.Strings("notes").Should().Equal($"{_s.SecretA} weak on edge cases", $"{_s.SecretB}\nsecond line");
            var notes = c.GetProperty("notesFull").EnumerateArray().ToList();
            notes[0].GetProperty("name").GetString().Should().Be("Ivy (interviewer on A)");
            notes[1].GetProperty("name").GetString().Should().Be("Ben (interviewer on B)");
            notes[0].GetProperty("accountId").GetGuid().Should().Be(_s.Ivy.AccountId, "a note carries its signed-in author");
            notes[1].GetProperty("accountId").GetGuid().Should().Be(_s.Ben.AccountId);
            notes.Should().AllSatisfy(n => n.GetProperty("id").GetGuid().Should().NotBeEmpty());
            c.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).Should().Contain("Note");
        }
        _s.Result.GetProperty("ackA").GetProperty("text").GetString().Should().Be($"{_s.SecretA} weak on edge cases");
        _s.Client("ivyA").GetProperty("notesFull")[0].GetProperty("id").GetString().Should().Be(_s.Result.GetProperty("ackA").GetProperty("id").GetString());
    }

    [Fact]
    public void Candidates_and_observers_on_either_process_and_late_joiners_receive_no_Note_and_no_note_text_in_any_frame()
    {
        foreach (var key in Watchers)
        {
            var c = _s.Client(key);
            c.GetProperty("role").GetString().Should().BeOneOf("candidate", "observer");
            // It did receive the room's traffic (its join answer and greeting at least), so its silence about notes means something.
            c.GetProperty("frames").GetInt32().Should().BeGreaterThan(1, key);
            c.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).Should().Contain("Yjs", key);
            c.GetProperty("notes").GetArrayLength().Should().Be(0, key);
            c.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).Should().NotContain("Note", key);
            c.GetProperty("secretsSeen").GetArrayLength().Should().Be(0, $"{key} saw {c.GetProperty("secretsSeen")}");
        }
        // The live watchers did receive what followed the notes (the barrier chats), so the notes' absence is not lateness.
        foreach (var key in Watchers.Take(4)) _s.Client(key).Strings("chats").Should().Contain(["barrier from A", "barrier from B"]);
    }

    [Fact]
    public void Candidates_observers_and_bad_notes_are_refused_with_typed_errors_and_nothing_of_them_reaches_interviewers()
    {
        var refused = _s.Result.GetProperty("refused");
        refused.GetProperty("candidate").GetString().Should().Contain("interviewers-only");
        refused.GetProperty("observer").GetString().Should().Contain("interviewers-only");
        refused.GetProperty("empty").GetString().Should().Contain("note-empty");
        refused.GetProperty("tooLong").GetString().Should().Contain("note-too-long").And.Contain("4000");
        foreach (var key in new[] { "ivyA", "benB" })
            _s.Client(key).Strings("secretsSeen").Should().BeEquivalentTo([_s.SecretA, _s.SecretB], "refused attempts are never stored or sent");
    }

    [Fact]
    public async Task The_notes_list_needs_a_signed_in_interviewer_with_the_rooms_interviewer_token_on_either_process_and_refuses_everything_else()
    {
        foreach (var (server, account) in new[] { (_s.A, _s.Ivy), (_s.B, _s.Ben) })
        {
            using var signedIn = account.Client(server.BaseUrl);
            using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var url = $"/api/rooms/{_s.RoomId}/notes";
            var notes = await Get(signedIn, url, _s.Token("interviewer"));
            notes.StatusCode.Should().Be(HttpStatusCode.OK);
            var list = JsonDocument.Parse(await notes.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
            list.Select(n => n.GetProperty("text").GetString()).Should().Equal($"{_s.SecretA} weak on edge cases", $"{_s.SecretB}\nsecond line");
            list.Select(n => n.GetProperty("name").GetString()).Should().Equal("Ivy (interviewer on A)", "Ben (interviewer on B)");
            list.Select(n => n.GetProperty("accountId").GetGuid()).Should().Equal(_s.Ivy.AccountId, _s.Ben.AccountId);
            list[0].GetProperty("id").GetString().Should().Be(_s.Result.GetProperty("ackA").GetProperty("id").GetString(), "the list has the hub's Note shape");
            (await signedIn.GetAsync(url + "?token=" + Uri.EscapeDataString(_s.Token("interviewer")))).StatusCode.Should().Be(HttpStatusCode.OK);

            foreach (var role in new[] { "candidate", "observer" })
                await Refused(await Get(signedIn, url, _s.Token(role)), HttpStatusCode.Forbidden, "interviewers-only");
            // Anonymous: refused before the token is even looked at, whichever token it holds.
            foreach (var role in new[] { "interviewer", "candidate", "observer" })
                await Refused(await Get(anonymous, url, _s.Token(role)), HttpStatusCode.Unauthorized, "unauthenticated");
            // A link token in the Authorization header is not an account.
            using (var request = new HttpRequestMessage(HttpMethod.Get, url))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _s.Token("interviewer"));
                await Refused(await anonymous.SendAsync(request), HttpStatusCode.Unauthorized, "unauthenticated");
            }
            // Without a link token the account itself must be an interviewer of the room: an admin (Ivy) is one of every
            // room; Ben, an interviewer not assigned to this ad-hoc room, is not.
            if (account == _s.Ivy) (await Get(signedIn, url, null)).StatusCode.Should().Be(HttpStatusCode.OK, "an admin may read any room's notes");
            else await Refused(await Get(signedIn, url, null), HttpStatusCode.Forbidden, "not-an-interviewer");
            await Refused(await Get(signedIn, url, "not-a-token-of-this-room"), HttpStatusCode.Unauthorized, "invalid-token");
            (await Get(signedIn, $"/api/rooms/{Guid.NewGuid()}/notes", _s.Token("interviewer"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
    }

    private async Task Refused(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.Should().Be(status, code);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var body = await response.Content.ReadAsStringAsync();
        JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().Should().Be(code);
        body.Should().NotContain(_s.SecretA).And.NotContain(_s.SecretB);
    }

    [Fact]
    public async Task Replay_events_state_timeline_and_summaries_hold_the_notes_for_the_interviewer_and_no_note_text_for_observer_or_candidate()
    {
        using var http = new HttpClient();
        var replay = $"{_s.A.BaseUrl}/api/rooms/{_s.RoomId}/replay";
        string[] paths = ["/events?count=1000", "/state", "/state?document=true", "/timeline", "/summary.md", "/summary.html"];

        foreach (var role in new[] { "observer", "candidate" })
            foreach (var path in paths)
            {
                var response = await Get(http, replay + path, _s.Token(role));
                var body = await response.Content.ReadAsStringAsync();
                body.Should().NotContain(_s.SecretA, $"{role} {path}").And.NotContain(_s.SecretB, $"{role} {path}")
                    .And.NotContain("weak on edge cases", $"{role} {path}");
                if (role == "candidate") response.StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
                else response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            }

        // The observer sees that a private event happened (its place in the order), never what it says.
        var observerEvents = await Json(http, replay + "/events?count=1000", _s.Token("observer"));
        var redacted = observerEvents.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "room.private-note-posted.v1").ToList();
        redacted.Should().HaveCount(2).And.AllSatisfy(e =>
        {
            e.GetProperty("redacted").GetBoolean().Should().BeTrue();
            e.GetProperty("data").ValueKind.Should().Be(JsonValueKind.Null);
        });
        (await Json(http, replay + "/state", _s.Token("observer"))).GetProperty("notes").GetArrayLength().Should().Be(0);
        (await Json(http, replay + "/timeline", _s.Token("observer"))).GetProperty("markers").EnumerateArray()
            .Should().NotContain(m => m.GetProperty("kind").GetString() == "note");

        var events = await Json(http, replay + "/events?count=1000", _s.Token("interviewer"));
        var posted = events.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "room.private-note-posted.v1").ToList();
        posted.Select(e => e.GetProperty("data").GetProperty("text").GetString()).Should().Equal($"{_s.SecretA} weak on edge cases", $"{_s.SecretB}\nsecond line");
        events.GetRawText().Should().NotContain("CANDIDATE-NOTE").And.NotContain("OBSERVER-NOTE");
        var state = await Json(http, replay + "/state", _s.Token("interviewer"));
        state.GetProperty("notes").EnumerateArray().Select(n => n.GetProperty("text").GetString())
            .Should().Equal($"{_s.SecretA} weak on edge cases", $"{_s.SecretB}\nsecond line");
        // At the revision just before the second note, the state holds only the first.
        var beforeSecond = posted[1].GetProperty("revision").GetInt64() - 1;
        (await Json(http, $"{replay}/state?at={beforeSecond}", _s.Token("interviewer"))).GetProperty("notes").GetArrayLength().Should().Be(1);
        (await Json(http, replay + "/timeline", _s.Token("interviewer"))).GetProperty("markers").EnumerateArray()
            .Count(m => m.GetProperty("kind").GetString() == "note").Should().Be(2);
        (await (await Get(http, replay + "/summary.md", _s.Token("interviewer"))).Content.ReadAsStringAsync()).Should().Contain(_s.SecretA);
    }

    [Fact]
    public async Task No_read_model_row_no_report_and_no_export_holds_note_text()
    {
        using var http = _s.Ivy.Client(_s.A.BaseUrl); // reports need an interviewer, projections admin an admin: Ivy is both
        // The timeline read model holds the barrier chats, posted after the notes: the projections have read past them.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await http.GetStringAsync($"/api/reports/timeline?room_id={_s.RoomId}&pageSize=500")).Contains("barrier from B"))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the timeline projection should catch up");
            await Task.Delay(200);
        }
        while ((await http.GetFromJsonAsync<JsonElement>("/api/admin/projections")).EnumerateArray().Any(p => p.GetProperty("lag").GetInt64() > 0))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "every projection should catch up");
            await Task.Delay(200);
        }

        var reports = (await http.GetFromJsonAsync<JsonElement>("/api/reports")).EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        reports.Should().Contain(["rooms", "timeline", "activity"]);
        foreach (var report in reports)
        {
            var csv = await http.GetStringAsync($"/api/reports/{report}?format=csv");
            csv.Should().NotContain(_s.SecretA, report).And.NotContain(_s.SecretB, report).And.NotContain("weak on edge cases", report);
        }

        // Byte scan of every read-model file (database and WAL) in the data folder; only the event store holds notes.
        var secret = Encoding.UTF8.GetBytes(_s.SecretA);
        var files = Directory.EnumerateFiles(_s.DataDirectory, "*", SearchOption.AllDirectories).ToList();
        var eventFiles = files.Where(f => Path.GetFileName(f).StartsWith("events.db", StringComparison.Ordinal)).ToList();
        eventFiles.Should().NotBeEmpty();
        files.Where(f => Path.GetFileName(f).Contains(".db", StringComparison.Ordinal)).Except(eventFiles).Should().NotBeEmpty("the read models live in this folder");
        foreach (var file in files.Except(eventFiles))
            Contains(ReadShared(file), secret).Should().BeFalse($"{Path.GetFileName(file)} must not hold note text");
        eventFiles.Any(f => Contains(ReadShared(f), secret)).Should().BeTrue("the scan finds the text where it is stored, so its absence elsewhere means something");
    }

    /// <summary>A GET with a room link token in X-Room-Token (the account, if any, is the client's bearer).</summary>
    private static async Task<HttpResponseMessage> Get(HttpClient http, string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Add("X-Room-Token", token);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpClient http, string url, string token)
    {
        var response = await Get(http, url, token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, url);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
