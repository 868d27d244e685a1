using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Questions;

/// <summary>SelectQuestion through the npm SignalR client (tests/hub-client/questions.mjs) against a real server, store and sandbox.</summary>
public sealed class QuestionHubTests
{
    private const string Starter = "import sys\nprint(sys.stdin.read().strip().upper())\n";

    [Fact]
    public async Task A_selected_question_reaches_the_candidate_without_hidden_tests_and_its_starter_code_arrives_as_a_Yjs_update_and_feeds_runs()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        var ivy = await TestAccounts.CreateInterviewerAsync(server.BaseUrl, admin, "ivy@example.com");
        var secret = "hidden-" + Guid.NewGuid().ToString("N")[..12];
        using var http = ivy.Client(server.BaseUrl);
        var question = await (await http.PostAsJsonAsync("/api/questions", QuestionsApiTests.TwoSum(hiddenSecret: secret))).Content.ReadFromJsonAsync<JsonElement>();
        var questionId = question.GetProperty("questionId").GetString()!;

        var result = await ScenarioAsync("select", server.BaseUrl, new { questionId, accessToken = ivy.AccessToken });

        // Only a signed-in interviewer in the room may pick.
        result.GetProperty("candidateFailures").EnumerateArray().Select(f => f.GetString()).Should().ContainSingle().Which.Should().Contain("interviewers-only");
        result.GetProperty("anonymousFailures").EnumerateArray().Select(f => f.GetString()).Should().ContainSingle().Which.Should().Contain("sign-in-required");
        result.GetProperty("interviewerFailures").EnumerateArray().Should().BeEmpty();

        // The interviewer sees every test; the candidate, the observer and the late joiner only the visible one.
        var forInterviewer = result.GetProperty("interviewerQuestion");
        forInterviewer.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("stdin").GetString()).Should().Equal("abc", secret);
        foreach (var who in new[] { "candidateQuestion", "observerQuestion", "lateJoinResult", "lateQuestion" })
        {
            var view = result.GetProperty(who);
            view.GetProperty("title").GetString().Should().Be("Two sum", who);
            view.GetProperty("description").GetString().Should().StartWith("Find **two** numbers", who);
            view.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Should().Equal(["sample"], who);
            view.GetProperty("hiddenTests").GetInt32().Should().Be(1, who);
        }
        foreach (var raw in new[] { "candidateRaw", "observerRaw", "lateRaw" })
        {
            var frames = result.GetProperty(raw).GetString()!;
            frames.Should().Contain("\"Question\"", raw).And.Contain("ABC", raw);
            frames.Should().NotContainEquivalentOf(secret, $"{raw}: hidden test data never reaches a candidate or an observer");
            // (A hidden test's name does reach them, in run results, as runs always show it; its data never does.)
        }

        // The starter code: one Yjs update the candidate received holds all of it, and every document converged on it.
        result.GetProperty("seeded").EnumerateArray().Select(s => s.GetString()).Should().Contain(Starter);
        foreach (var text in new[] { "candidateText", "interviewerText", "lateText" }) result.GetProperty(text).GetString().Should().Be(Starter, text);

        // The candidate's run had no tests of its own: the question's ran, the hidden one redacted for the candidate only.
        var requestedForCandidate = result.GetProperty("candidateRun")[0];
        requestedForCandidate.GetProperty("kind").GetString().Should().Be("requested");
        requestedForCandidate.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("stdin").GetString()).Should().Equal("abc", "");
        result.GetProperty("interviewerRun")[0].GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("stdin").GetString()).Should().Equal("abc", secret);
        var completed = result.GetProperty("candidateRun").EnumerateArray().Last();
        completed.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("verdict").GetString()).Should().Equal("passed", "passed");

        // The stream: question selected (with the question's revision), then the server's DocumentUpdated holding the starter code.
        var roomId = Guid.Parse(result.GetProperty("roomId").GetString()!);
        var events = (await StoredEvents.ReadAsync(server.DataDirectory, RoomEventTypes.StreamOf(roomId))).Select(RoomEventCodec.Decode).OfType<IRoomEvent>().ToList();
        var selected = events.OfType<QuestionSelected>().Should().ContainSingle().Subject;
        (selected.QuestionId.ToString(), selected.Revision, selected.By).Should().Be((questionId, 0L, ivy.AccountId.ToString("D")));
        var seed = events.OfType<DocumentUpdated>().Should().ContainSingle(u => u.ParticipantId == RoomRules.ServerParticipantId).Subject;
        events.IndexOf(seed).Should().BeGreaterThan(events.IndexOf(selected));

        // Replay marks the moment the question was picked.
        using var replay = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        replay.DefaultRequestHeaders.Add("X-Room-Token", result.GetProperty("tokens").GetProperty("interviewer").GetString());
        var timeline = await replay.GetFromJsonAsync<JsonElement>($"/api/rooms/{roomId:N}/replay/timeline");
        timeline.GetProperty("markers").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "question")
            .Select(m => m.GetProperty("label").GetString()).Should().Equal("Question: Two sum");
    }

    private static async Task<JsonElement> ScenarioAsync(string scenario, string baseUrl, object args)
    {
        var dir = Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "questions.mjs", scenario, baseUrl, JsonSerializer.Serialize(args, JsonSerializerOptions.Web) }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
            throw new InvalidOperationException($"questions scenario {scenario} failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
