using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Questions;

/// <summary>/api/questions against a real server process: validation, If-Match concurrency, archive/restore, read-your-writes on the list.</summary>
public sealed class QuestionsApiTests
{
    public static object TwoSum(string title = "Two sum", string difficulty = "easy", string hiddenSecret = "hidden-secret") => new
    {
        title,
        difficulty,
        categories = new[] { "Arrays" },
        tags = new[] { "warm-up" },
        description = "Find **two** numbers <script>alert(1)</script>",
        starterCode = new Dictionary<string, string> { ["python"] = "import sys\nprint(sys.stdin.read().strip().upper())\n" },
        tests = new object[]
        {
            new { name = "sample", stdin = "abc", expectedStdout = "ABC", hidden = false },
            new { name = "hidden one", stdin = hiddenSecret, expectedStdout = hiddenSecret.ToUpperInvariant(), hidden = true },
        },
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("code").GetString().Should().Be(code, text);
        return problem;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpRequestMessage Put(string path, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task An_interviewer_creates_lists_edits_with_If_Match_archives_and_restores_and_each_change_is_in_the_next_list()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        var ivy = await TestAccounts.CreateInterviewerAsync(server.BaseUrl, admin, "ivy@example.com");
        using var http = ivy.Client(server.BaseUrl);

        var created = await http.PostAsJsonAsync("/api/questions", TwoSum());
        var q = await JsonAsync(created, HttpStatusCode.Created);
        var id = q.GetProperty("questionId").GetString()!;
        created.Headers.Location!.ToString().Should().Be($"/api/questions/{id}");
        created.Headers.ETag!.Tag.Should().Be("\"0\"");
        q.GetProperty("version").GetInt64().Should().Be(0);
        q.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Should().Equal("arrays");
        q.GetProperty("tests")[1].GetProperty("stdin").GetString().Should().Be("hidden-secret", "interviewers see hidden tests");

        // Read-your-writes: the list (a read model) already holds the question the moment POST answered.
        var list = await http.GetFromJsonAsync<JsonElement>("/api/questions");
        list.GetProperty("total").GetInt64().Should().Be(1);
        var item = list.GetProperty("items")[0];
        (item.GetProperty("title").GetString(), item.GetProperty("testCount").GetInt64(), item.GetProperty("hiddenTestCount").GetInt64()).Should().Be(("Two sum", 2L, 1L));

        // Edits need the version they were made on.
        await ProblemAsync(await http.SendAsync(Put($"/api/questions/{id}", TwoSum("Three sum", "hard"), null)), (HttpStatusCode)428, "if-match-required");
        await ProblemAsync(await http.SendAsync(Put($"/api/questions/{id}", TwoSum("Three sum", "hard"), "\"seven\"")), HttpStatusCode.BadRequest, "invalid-if-match");
        var edited = await JsonAsync(await http.SendAsync(Put($"/api/questions/{id}", TwoSum("Three sum", "hard"), "\"0\"")), HttpStatusCode.OK);
        (edited.GetProperty("version").GetInt64(), edited.GetProperty("title").GetString(), edited.GetProperty("difficulty").GetString()).Should().Be((1L, "Three sum", "hard"));
        var stale = await ProblemAsync(await http.SendAsync(Put($"/api/questions/{id}", TwoSum("Lost update"), "\"0\"")), HttpStatusCode.PreconditionFailed, "question-changed");
        stale.GetProperty("currentVersion").GetInt64().Should().Be(1);
        (await http.GetFromJsonAsync<JsonElement>($"/api/questions/{id}")).GetProperty("title").GetString().Should().Be("Three sum", "the stale edit stored nothing");
        (await http.GetFromJsonAsync<JsonElement>("/api/questions?difficulty=hard")).GetProperty("items")[0].GetProperty("title").GetString().Should().Be("Three sum");

        // Archive: gone from the default list, there with includeArchived, not editable until restored.
        var archived = await JsonAsync(await http.PostAsync($"/api/questions/{id}/archive", null), HttpStatusCode.OK);
        archived.GetProperty("archived").GetBoolean().Should().BeTrue();
        (await http.GetFromJsonAsync<JsonElement>("/api/questions")).GetProperty("total").GetInt64().Should().Be(0);
        (await http.GetFromJsonAsync<JsonElement>("/api/questions?includeArchived=true")).GetProperty("items")[0].GetProperty("archived").GetBoolean().Should().BeTrue();
        await ProblemAsync(await http.SendAsync(Put($"/api/questions/{id}", TwoSum("While archived"), "\"2\"")), HttpStatusCode.Conflict, "question-archived");
        await JsonAsync(await http.PostAsync($"/api/questions/{id}/restore", null), HttpStatusCode.OK);
        var restored = await http.GetFromJsonAsync<JsonElement>("/api/questions?text=three");
        (restored.GetProperty("total").GetInt64(), restored.GetProperty("items")[0].GetProperty("version").GetInt64()).Should().Be((1L, 3L));

        await ProblemAsync(await http.GetAsync($"/api/questions/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "question-not-found");
        await ProblemAsync(await http.PostAsync($"/api/questions/{Guid.NewGuid()}/archive", null), HttpStatusCode.NotFound, "question-not-found");
    }

    [Fact]
    public async Task Invalid_questions_get_a_problem_naming_every_field_to_fix_and_store_nothing_and_only_signed_in_interviewers_get_in()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        using var http = admin.Client(server.BaseUrl);

        var problem = await ProblemAsync(await http.PostAsJsonAsync("/api/questions", new
        {
            title = "",
            difficulty = "trivial",
            starterCode = new Dictionary<string, string> { ["cobol"] = "x" },
            tests = new[] { new { name = "", stdin = "", expectedStdout = "", hidden = false } },
        }), HttpStatusCode.BadRequest, "invalid-title");
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .Should().Equal("title", "difficulty", "starterCode.cobol", "tests[0].name");
        problem.GetProperty("detail").GetString().Should().Contain("Difficulty must be easy, medium or hard").And.Contain("python");
        await ProblemAsync(await http.GetAsync("/api/questions?pageSize=0"), HttpStatusCode.BadRequest, "invalid-page-size");
        await ProblemAsync(await http.GetAsync("/api/questions?difficulty=trivial"), HttpStatusCode.BadRequest, "invalid-difficulty");
        (await http.GetFromJsonAsync<JsonElement>("/api/questions?includeArchived=true")).GetProperty("total").GetInt64().Should().Be(0);
        var events = await StoredEvents.TypesAsync(server.DataDirectory);
        events.Should().NotContain(t => t.StartsWith("question."), "a refused question leaves nothing in the store");

        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        (await anonymous.GetAsync("/api/questions")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsJsonAsync("/api/questions", TwoSum())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var room = await (await http.PostAsJsonAsync("/api/rooms", new { title = "r", language = "python" })).Content.ReadFromJsonAsync<JsonElement>();
        (await anonymous.PostAsJsonAsync($"/api/rooms/{room.GetProperty("roomId").GetString()}/question", new { questionId = Guid.NewGuid() }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await StoredEvents.TypesAsync(server.DataDirectory)).Should().NotContain(t => t.StartsWith("question.") || t == "room.question-selected.v1");
    }

    [Fact]
    public async Task Selecting_a_question_into_a_room_over_REST_checks_the_question_and_records_the_revision()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        using var adminHttp = admin.Client(server.BaseUrl);
        var id = (await (await adminHttp.PostAsJsonAsync("/api/questions", TwoSum())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("questionId").GetString();
        var created = await (await adminHttp.PostAsJsonAsync("/api/rooms", new { title = "r", language = "java" })).Content.ReadFromJsonAsync<JsonElement>();
        var room = created.GetProperty("roomId").GetString();
        string Token(string role) => created.GetProperty("links").GetProperty(role).GetString()!.Split('#')[1];
        var interviewer = await TestAccounts.CreateInterviewerAsync(server.BaseUrl, admin, "ivy@example.com", "Ivy");
        using var http = interviewer.Client(server.BaseUrl);

        // An interviewer account that is not assigned to this room needs the room's interviewer link token (X-Room-Token).
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = id }), HttpStatusCode.Forbidden, "not-an-interviewer");
        http.DefaultRequestHeaders.Add("X-Room-Token", Token("candidate"));
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = id }), HttpStatusCode.Forbidden, "interviewer-link-required");
        http.DefaultRequestHeaders.Remove("X-Room-Token");
        http.DefaultRequestHeaders.Add("X-Room-Token", "not-a-token");
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = id }), HttpStatusCode.Unauthorized, "invalid-token");
        http.DefaultRequestHeaders.Remove("X-Room-Token");
        http.DefaultRequestHeaders.Add("X-Room-Token", Token("interviewer"));

        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = Guid.NewGuid() }), HttpStatusCode.NotFound, "question-not-found");
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{Guid.NewGuid()}/question", new { questionId = id }), HttpStatusCode.NotFound, "room-not-found");
        (await StoredEvents.TypesAsync(server.DataDirectory, $"room-{Guid.Parse(room!):N}")).Should().NotContain("room.question-selected.v1", "every refusal so far stored nothing");
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { }), HttpStatusCode.BadRequest, "question-id-required");
        var view = await JsonAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = id }), HttpStatusCode.OK);
        (view.GetProperty("title").GetString(), view.GetProperty("revision").GetInt64()).Should().Be(("Two sum", 0L));

        await http.PostAsync($"/api/questions/{id}/archive", null);
        await ProblemAsync(await http.PostAsJsonAsync($"/api/rooms/{room}/question", new { questionId = id }), HttpStatusCode.Conflict, "question-archived");

        var types = await StoredEvents.TypesAsync(server.DataDirectory, $"room-{Guid.Parse(room!):N}");
        types.Should().ContainSingle(t => t == "room.question-selected.v1");
        types.Should().NotContain("room.document-updated.v1", "the question has no java starter code, so the java room's document stays empty");
    }
}
