using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Runs;

/// <summary>RequestRun and RunUpdate through the npm SignalR client (tests/hub-client/runs.mjs) against a real server, store and sandbox.</summary>
public sealed class RunHubTests
{
    [Fact]
    public async Task A_run_requested_in_the_hub_reaches_every_client_in_order_and_no_hidden_test_data_ever_reaches_the_candidate_or_observer()
    {
        var data = Repo.NewDataDirectory();
        var secrets = new[] { "secret-alpha-" + Guid.NewGuid().ToString("N")[..12], "secret-beta-" + Guid.NewGuid().ToString("N")[..12], "SECRET-GAMMA-" + Guid.NewGuid().ToString("N")[..12] };
        await using var server = await ServerProcess.StartAsync(data);
        var result = await RunsTestKit.ScenarioAsync("hidden", server.BaseUrl, new { secrets });

        var runId = result.GetProperty("runId").GetString()!;
        var tokens = result.GetProperty("tokens");
        // REST gives the same per-role views: the candidate's GET of the run and of the room's runs never holds hidden data.
        foreach (var path in new[] { $"/api/runs/{runId}", $"/api/rooms/{result.GetProperty("roomId").GetString()}/runs" })
        {
            using var candidateHttp = RunsTestKit.Client(server.BaseUrl, tokens.GetProperty("candidate").GetString());
            using var interviewerHttp = RunsTestKit.Client(server.BaseUrl, tokens.GetProperty("interviewer").GetString());
            var asCandidate = await candidateHttp.GetStringAsync(path);
            asCandidate.Should().Contain("visible-in");
            foreach (var secret in secrets) asCandidate.Should().NotContainEquivalentOf(secret, path);
            (await interviewerHttp.GetStringAsync(path)).Should().Contain(secrets[0]).And.Contain(secrets[2]);
        }
        foreach (var who in new[] { "interviewer", "candidate", "observer" })
        {
            var updates = result.GetProperty(who).EnumerateArray().ToList();
            var kinds = updates.Select(u => u.GetProperty("kind").GetString()).ToList();
            kinds.Take(3).Should().Equal(["requested", "queued", "started"], who);
            kinds.Last().Should().Be("completed", who);
            kinds.Skip(3).SkipLast(1).Should().NotBeEmpty().And.OnlyContain(k => k == "output", who);
            updates.Where(u => u.GetProperty("kind").GetString() == "output").Select(u => u.GetProperty("seq").GetInt64())
                .Should().Equal(Enumerable.Range(0, kinds.Count(k => k == "output")).Select(i => (long)i), $"{who} gets the output batches in order");
            string.Concat(updates.Where(u => u.GetProperty("kind").GetString() == "output").Select(u => u.GetProperty("text").GetString()))
                .Should().Be("MAIN-INPUT\n");
            var completed = updates.Last();
            completed.GetProperty("verdict").GetString().Should().Be("ok");
            var tests = completed.GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
            tests["visible"].GetProperty("verdict").GetString().Should().Be("passed");
            tests["hidden-pass"].GetProperty("verdict").GetString().Should().Be("passed");
            tests["hidden-fail"].GetProperty("verdict").GetString().Should().Be("wrong-answer");
            tests["hidden-fail"].GetProperty("diff").ValueKind.Should().Be(JsonValueKind.Null);
        }

        // The interviewer sees the hidden tests' data; the candidate and the observer see the same request without it.
        var full = result.GetProperty("interviewer")[0].GetProperty("tests").EnumerateArray().ToList();
        full.Select(t => t.GetProperty("stdin").GetString()).Should().Equal("visible-in", secrets[0], secrets[1]);
        foreach (var who in new[] { "candidate", "observer" })
        {
            var stripped = result.GetProperty(who)[0].GetProperty("tests").EnumerateArray().ToList();
            stripped.Select(t => t.GetProperty("name").GetString()).Should().Equal("visible", "hidden-pass", "hidden-fail");
            stripped.Select(t => t.GetProperty("stdin").GetString()).Should().Equal("visible-in", "", "");
            stripped.Select(t => t.GetProperty("expectedStdout").GetString()).Should().Equal("VISIBLE-IN", "", "");

            // Everything the client received, frame by frame: the visible data is there (the recording works), hidden data never.
            var raw = result.GetProperty(who + "Raw").GetString()!;
            raw.Should().Contain("visible-in").And.Contain("main-input").And.Contain("MAIN-INPUT");
            foreach (var secret in secrets.Concat(secrets.Select(s => s.ToUpperInvariant())).Concat(secrets.Select(s => s.ToLowerInvariant())))
                raw.Should().NotContain(secret, $"{who} must never receive hidden test data");
        }

        // Candidates may run, observers may not; the candidate's own run went through to completion.
        result.GetProperty("candidateFailures").EnumerateArray().Should().BeEmpty();
        result.GetProperty("candidateOwn").EnumerateArray().Select(k => k.GetString()).Last().Should().Be("completed");
        result.GetProperty("observerFailures").EnumerateArray().Select(f => f.GetString()).Should().ContainSingle()
            .Which.Should().Contain("observer-cannot-run: Observers can watch runs but not start them");

        // The stream keeps the full request (the audit shows what ran) with the code the server's document held.
        var events = await RunsTestKit.RunEventsAsync(data, Guid.Parse(result.GetProperty("roomId").GetString()!));
        var requested = events.OfType<RunRequested>().Single(r => r.RunId == runId);
        requested.Code.Should().Be(result.GetProperty("code").GetString());
        requested.Tests.Select(t => t.Stdin).Should().Equal("visible-in", secrets[0], secrets[1]);
        events.OfType<RunRequested>().Should().HaveCount(2, "the observer's request left nothing behind");
    }

    [Fact]
    public async Task A_run_requested_on_one_server_process_reaches_a_client_of_another_process_on_the_same_store_in_order()
    {
        var data = Repo.NewDataDirectory();
        await using var a = await ServerProcess.StartAsync(data);
        await using var b = await ServerProcess.StartAsync(data);
        var result = await RunsTestKit.ScenarioAsync("twoNodes", a.BaseUrl, new { bases = new[] { a.BaseUrl, b.BaseUrl } });

        result.GetProperty("failures").EnumerateArray().Should().BeEmpty();
        foreach (var side in new[] { "onA", "onB" })
        {
            var updates = result.GetProperty(side).EnumerateArray().ToList();
            updates.Select(u => u.GetProperty("kind").GetString()).Should().Equal(["requested", "queued", "started", "output", "completed"], side);
            updates.Should().OnlyContain(u => u.GetProperty("runId").GetString() == result.GetProperty("runId").GetString());
            updates[3].GetProperty("text").GetString().Should().Be("from node a\n");
            updates[4].GetProperty("verdict").GetString().Should().Be("ok");
        }
    }
}
