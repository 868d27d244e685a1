using System.Net;
using System.Net.Http.Json;
using FluentAssertions;
using Xunit;
using static PeerCode.Web.Tests.Interviews.InterviewsTestKit;

namespace PeerCode.Web.Tests.Interviews;

public sealed class InterviewsApiTests : IAsyncLifetime
{
    private InterviewServer _s = null!;

    public async Task InitializeAsync() => _s = await InterviewServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Scheduling_answers_the_room_and_three_links_lists_it_for_its_interviewers_and_admins_only_and_bad_input_stores_nothing()
    {
        var scheduled = await _s.ScheduleAsync(_s.Ivy);
        scheduled.Body.GetProperty("status").GetString().Should().Be("scheduled");
        new[] { scheduled.InterviewerLink, scheduled.CandidateLink, scheduled.ObserverLink }.Should().OnlyHaveUniqueItems()
            .And.OnlyContain(l => l.StartsWith($"{_s.Server.BaseUrl}/r/{scheduled.RoomId:N}#"));
        var interview = scheduled.Body.GetProperty("interview");
        interview.GetProperty("interviewerIds").EnumerateArray().Select(i => i.GetGuid()).Should().Equal(_s.Ivy.AccountId); // default: the caller
        scheduled.Body.GetProperty("linksExpireAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(1).AddHours(1), TimeSpan.FromMinutes(1));

        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        using var otto = _s.Otto.Client(_s.Server.BaseUrl);
        using var admin = _s.Admin.Client(_s.Server.BaseUrl);
        using var anonymous = _s.Anonymous();
        (await OkAsync(await ivy.GetAsync($"/api/interviews/{scheduled.InterviewId}"))).GetProperty("candidateName").GetString().Should().Be("Cleo Candidate");
        await ProblemAsync(await otto.GetAsync($"/api/interviews/{scheduled.InterviewId}"), HttpStatusCode.Forbidden, "not-an-interviewer");
        (await OkAsync(await admin.GetAsync($"/api/interviews/{scheduled.InterviewId}"))).GetProperty("status").GetString().Should().Be("scheduled");
        (await anonymous.GetAsync($"/api/interviews/{scheduled.InterviewId}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await ProblemAsync(await ivy.GetAsync($"/api/interviews/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "interview-not-found");

        // Otto is named as an interviewer of a second interview: now he sees that one, not the first.
        var both = await _s.ScheduleAsync(_s.Ivy, new
        {
            title = "Frontend", candidateName = "Dan", candidateEmail = "dan@example.com", language = "typescript",
            interviewerIds = new[] { _s.Ivy.AccountId, _s.Otto.AccountId },
        });
        (await OkAsync(await ivy.GetAsync("/api/interviews"))).EnumerateArray().Select(i => i.GetProperty("interviewId").GetGuid())
            .Should().BeEquivalentTo([scheduled.InterviewId, both.InterviewId]);
        (await OkAsync(await otto.GetAsync("/api/interviews"))).EnumerateArray().Select(i => i.GetProperty("interviewId").GetGuid())
            .Should().Equal(both.InterviewId);
        (await OkAsync(await admin.GetAsync("/api/interviews?status=scheduled"))).GetArrayLength().Should().Be(2);
        (await OkAsync(await admin.GetAsync($"/api/interviews?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(30).ToString("O"))}")))
            .EnumerateArray().Select(i => i.GetProperty("interviewId").GetGuid()).Should().Equal(scheduled.InterviewId); // planned in an hour; the other is planned now
        var filter = await ProblemAsync(await admin.GetAsync("/api/interviews?status=paused"), HttpStatusCode.BadRequest, "invalid-filter");
        filter.GetProperty("errors").GetProperty("status")[0].GetString().Should().Contain("in-progress");

        // Bad input: a validation problem naming the field, and no interview (nor room) is written.
        var bad = await ProblemAsync(await ivy.PostAsJsonAsync("/api/interviews", new { title = " ", candidateName = "C", candidateEmail = "c@example.com", language = "python" }),
            HttpStatusCode.BadRequest, "invalid-title");
        bad.GetProperty("errors").GetProperty("title")[0].GetString().Should().Contain("1 to 200");
        await ProblemAsync(await ivy.PostAsJsonAsync("/api/interviews", new { title = "T", candidateName = "C", candidateEmail = "not-an-email", language = "python" }),
            HttpStatusCode.BadRequest, "invalid-candidate-email");
        await ProblemAsync(await ivy.PostAsJsonAsync("/api/interviews", new { title = "T", candidateName = "C", candidateEmail = "c@example.com", language = "cobol" }),
            HttpStatusCode.BadRequest, "unknown-language");
        (await anonymous.PostAsJsonAsync("/api/interviews", new { title = "T" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await OkAsync(await admin.GetAsync("/api/interviews"))).GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task Status_moves_scheduled_to_in_progress_to_ended_wrong_moves_are_conflicts_and_cancel_revokes_the_candidate_link()
    {
        var a = await _s.ScheduleAsync(_s.Ivy);
        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        using var otto = _s.Otto.Client(_s.Server.BaseUrl);
        var url = $"/api/interviews/{a.InterviewId}";

        await ProblemAsync(await ivy.PostAsync($"{url}/end", null), HttpStatusCode.Conflict, "not-started");
        await ProblemAsync(await otto.PostAsync($"{url}/start", null), HttpStatusCode.Forbidden, "not-an-interviewer");
        (await OkAsync(await ivy.PostAsync($"{url}/start", null))).GetProperty("status").GetString().Should().Be("in-progress");
        await ProblemAsync(await ivy.PostAsync($"{url}/start", null), HttpStatusCode.Conflict, "already-started");
        await ProblemAsync(await ivy.PutAsJsonAsync($"{url}/scorecard", Scorecard("yes")), HttpStatusCode.Conflict, "interview-not-ended");
        var ended = await OkAsync(await ivy.PostAsync($"{url}/end", null));
        (ended.GetProperty("status").GetString(), ended.GetProperty("startedAt").ValueKind, ended.GetProperty("endedAt").ValueKind)
            .Should().Be(("ended", System.Text.Json.JsonValueKind.String, System.Text.Json.JsonValueKind.String));
        await ProblemAsync(await ivy.PostAsJsonAsync($"{url}/cancel", new { reason = "late" }), HttpStatusCode.Conflict, "interview-ended");

        var b = await _s.ScheduleAsync(_s.Ivy);
        (await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(b.RoomId, TokenOf(b.CandidateLink), "Cleo")))[0].Role.Should().Be("candidate");
        var cancelled = await OkAsync(await ivy.PostAsJsonAsync($"/api/interviews/{b.InterviewId}/cancel", new { reason = "candidate withdrew" }));
        (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("cancelReason").GetString()).Should().Be(("cancelled", "candidate withdrew"));
        await ProblemAsync(await ivy.PostAsync($"/api/interviews/{b.InterviewId}/start", null), HttpStatusCode.Conflict, "interview-cancelled");
        var after = await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(b.RoomId, TokenOf(b.CandidateLink), "Cleo"), new JoinAttempt(b.RoomId, TokenOf(b.ObserverLink), "Olga"));
        after.Should().OnlyContain(o => !o.Ok && o.Error!.Contains("link-revoked"));

        using var admin = _s.Admin.Client(_s.Server.BaseUrl);
        (await OkAsync(await admin.GetAsync("/api/interviews?status=cancelled"))).EnumerateArray().Select(i => i.GetProperty("interviewId").GetGuid())
            .Should().Equal(b.InterviewId);
    }

    [Fact]
    public async Task A_revoked_link_is_refused_by_the_hub_and_by_REST_with_link_revoked_nothing_is_appended_and_a_reissued_link_opens_the_room()
    {
        var a = await _s.ScheduleAsync(_s.Ivy);
        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        using var candidate = _s.WithRoomToken(a.CandidateLink);
        (await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(a.RoomId, TokenOf(a.CandidateLink), "Cleo")))[0].Role.Should().Be("candidate");
        (await OkAsync(await candidate.GetAsync($"/api/rooms/{a.RoomId:N}/runs"))).GetArrayLength().Should().Be(0);

        (await OkAsync(await ivy.PostAsync($"/api/interviews/{a.InterviewId}/links/candidate/revoke", null))).GetProperty("revoked").GetBoolean().Should().BeTrue();
        var before = await RoomRevisionAsync(_s, a.RoomId);
        var refused = await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(a.RoomId, TokenOf(a.CandidateLink), "Cleo"), new JoinAttempt(a.RoomId, TokenOf(a.CandidateLink), "Someone else"));
        refused.Should().OnlyContain(o => !o.Ok && o.Error!.Contains("link-revoked: "));
        await ProblemAsync(await candidate.GetAsync($"/api/rooms/{a.RoomId:N}/runs"), HttpStatusCode.Forbidden, "link-revoked");
        await ProblemAsync(await candidate.PostAsJsonAsync($"/api/rooms/{a.RoomId:N}/runs", new { language = "python" }), HttpStatusCode.Forbidden, "link-revoked");
        (await RoomRevisionAsync(_s, a.RoomId)).Should().Be(before, "a refused join or run appends nothing");

        var reissued = await OkAsync(await ivy.PostAsJsonAsync($"/api/interviews/{a.InterviewId}/links/candidate/reissue", new { }));
        var fresh = reissued.GetProperty("link").GetString()!;
        TokenOf(fresh).Should().NotBe(TokenOf(a.CandidateLink));
        var again = await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(a.RoomId, TokenOf(fresh), "Cleo"), new JoinAttempt(a.RoomId, TokenOf(a.CandidateLink), "Cleo"));
        (again[0].Role, again[1].Ok).Should().Be(("candidate", false));
        again[1].Error.Should().Contain("link-revoked");

        // A participant already in the room when its link is revoked: its next act is refused and not stored.
        var (beforeRevocation, afterRevocation) = await ChatAcrossRevocationAsync(_s.Server.BaseUrl, a.RoomId, fresh,
            $"/api/interviews/{a.InterviewId}/links/candidate/revoke", _s.Ivy.AccessToken);
        beforeRevocation.Should().BeNull();
        afterRevocation.Should().StartWith("link-revoked: ");
        (await OkAsync(await ivy.GetAsync($"/api/rooms/{a.RoomId}/replay/state"))).GetProperty("chat").EnumerateArray()
            .Select(c => c.GetProperty("text").GetString()).Should().Equal("before the revocation");

        await ProblemAsync(await ivy.PostAsync($"/api/interviews/{a.InterviewId}/links/interviewer/revoke", null), HttpStatusCode.BadRequest, "unknown-link-role");
        await ProblemAsync(await ivy.PostAsJsonAsync($"/api/interviews/{a.InterviewId}/links/observer/reissue", new { expiresAt = DateTimeOffset.UtcNow.AddHours(-1) }),
            HttpStatusCode.BadRequest, "expiry-in-past");
        using var otto = _s.Otto.Client(_s.Server.BaseUrl);
        await ProblemAsync(await otto.PostAsync($"/api/interviews/{a.InterviewId}/links/observer/revoke", null), HttpStatusCode.Forbidden, "not-an-interviewer");
    }

    [Fact]
    public async Task An_expired_link_is_refused_by_the_hub_runs_and_replay_with_link_expired_and_nothing_is_appended()
    {
        var a = await _s.ScheduleAsync(_s.Ivy);
        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var observerLink = (await OkAsync(await ivy.PostAsJsonAsync($"/api/interviews/{a.InterviewId}/links/observer/reissue", new { expiresAt })))
            .GetProperty("link").GetString()!;
        using var observer = _s.WithRoomToken(observerLink);
        (await OkAsync(await observer.GetAsync($"/api/rooms/{a.RoomId}/replay/timeline"))).GetProperty("roomId").GetGuid().Should().Be(a.RoomId);

        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var before = await RoomRevisionAsync(_s, a.RoomId);
        (await JoinAsync(_s.Server.BaseUrl, new JoinAttempt(a.RoomId, TokenOf(observerLink), "Olga")))[0].Error.Should().StartWith("link-expired: ")
            .And.Contain("reissue");
        await ProblemAsync(await observer.GetAsync($"/api/rooms/{a.RoomId}/replay/timeline"), HttpStatusCode.Forbidden, "link-expired");
        await ProblemAsync(await observer.GetAsync($"/api/rooms/{a.RoomId:N}/runs"), HttpStatusCode.Forbidden, "link-expired");
        (await RoomRevisionAsync(_s, a.RoomId)).Should().Be(before);
    }

    [Fact]
    public async Task The_interviewer_link_needs_a_signed_in_interviewer_of_that_interview_who_also_gets_in_without_a_link()
    {
        var a = await _s.ScheduleAsync(_s.Ivy);
        var token = TokenOf(a.InterviewerLink);
        var before = await RoomRevisionAsync(_s, a.RoomId);
        var refused = await JoinAsync(_s.Server.BaseUrl,
            new JoinAttempt(a.RoomId, token, "Anon"),
            new JoinAttempt(a.RoomId, token, "Otto", _s.Otto.AccessToken),
            new JoinAttempt(a.RoomId, null, "Nobody"));
        refused[0].Error.Should().StartWith("sign-in-required: ");
        refused[1].Error.Should().StartWith("not-an-interviewer: ");
        refused[2].Error.Should().StartWith("token-required: ");
        (await RoomRevisionAsync(_s, a.RoomId)).Should().Be(before);
        using (var anonymousWithLink = _s.WithRoomToken(a.InterviewerLink))
            await ProblemAsync(await anonymousWithLink.GetAsync($"/api/rooms/{a.RoomId:N}/runs"), HttpStatusCode.Unauthorized, "sign-in-required");
        using (var ottoNoLink = _s.Otto.Client(_s.Server.BaseUrl))
            await ProblemAsync(await ottoNoLink.GetAsync($"/api/rooms/{a.RoomId:N}/runs"), HttpStatusCode.Forbidden, "not-an-interviewer");

        var allowed = await JoinAsync(_s.Server.BaseUrl,
            new JoinAttempt(a.RoomId, token, "Ivy", _s.Ivy.AccessToken),
            new JoinAttempt(a.RoomId, null, "Ivy", _s.Ivy.AccessToken),
            new JoinAttempt(a.RoomId, token, "Admin", _s.Admin.AccessToken));
        allowed.Select(o => o.Role).Should().Equal("interviewer", "interviewer", "interviewer");
        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        (await OkAsync(await ivy.GetAsync($"/api/rooms/{a.RoomId:N}/runs"))).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Scorecards_are_taken_after_the_end_replaced_on_resubmission_and_shown_only_to_its_interviewers_admins_and_the_interviewer_summary()
    {
        var a = await _s.ScheduleAsync(_s.Ivy, new
        {
            title = "Scored", candidateName = "Cleo", candidateEmail = "cleo@example.com", language = "python",
            interviewerIds = new[] { _s.Ivy.AccountId },
        });
        using var ivy = _s.Ivy.Client(_s.Server.BaseUrl);
        using var otto = _s.Otto.Client(_s.Server.BaseUrl);
        using var admin = _s.Admin.Client(_s.Server.BaseUrl);
        using var anonymous = _s.Anonymous();
        var url = $"/api/interviews/{a.InterviewId}";
        await OkAsync(await ivy.PostAsync($"{url}/start", null));
        await OkAsync(await ivy.PostAsync($"{url}/end", null));

        var bad = await ProblemAsync(await ivy.PutAsJsonAsync($"{url}/scorecard", new { ratings = new[] { new { competency = "Coding", rating = 7 } }, recommendation = "yes" }),
            HttpStatusCode.BadRequest, "invalid-rating");
        bad.GetProperty("errors").GetProperty("ratings")[0].GetString().Should().Contain("1 (poor) to 4 (excellent)");
        await ProblemAsync(await ivy.PutAsJsonAsync($"{url}/scorecard", Scorecard("maybe")), HttpStatusCode.BadRequest, "invalid-recommendation");
        await OkAsync(await ivy.PutAsJsonAsync($"{url}/scorecard", Scorecard("no", "first thoughts")));
        var mine = await OkAsync(await ivy.PutAsJsonAsync($"{url}/scorecard", Scorecard("strong-yes", "Clear thinker, tested edge cases")));
        mine.GetProperty("recommendation").GetString().Should().Be("strong-yes");
        (await OkAsync(await ivy.GetAsync($"{url}/scorecard"))).GetProperty("text").GetString().Should().Be("Clear thinker, tested edge cases");
        // Otto is no interviewer of this interview, and the admin is not assigned either: neither submits one.
        await ProblemAsync(await otto.PutAsJsonAsync($"{url}/scorecard", Scorecard("no")), HttpStatusCode.Forbidden, "not-an-interviewer");
        await ProblemAsync(await admin.PutAsJsonAsync($"{url}/scorecard", Scorecard("no")), HttpStatusCode.Forbidden, "not-an-interviewer");

        var all = await OkAsync(await ivy.GetAsync($"{url}/scorecards"));
        all.GetArrayLength().Should().Be(1, "a resubmission replaces the earlier scorecard");
        (await OkAsync(await admin.GetAsync($"{url}/scorecards"))).GetArrayLength().Should().Be(1);
        await ProblemAsync(await otto.GetAsync($"{url}/scorecards"), HttpStatusCode.Forbidden, "not-an-interviewer");
        (await anonymous.GetAsync($"{url}/scorecards")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using (var candidateToken = _s.WithRoomToken(a.CandidateLink))
            (await candidateToken.GetAsync($"{url}/scorecards")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // The summary export: the interviewer's has the scorecards; the observer's has no scorecard section; the candidate gets none.
        var interviewerSummary = await (await ivy.GetAsync($"/api/rooms/{a.RoomId}/replay/summary.md")).Content.ReadAsStringAsync();
        interviewerSummary.Should().Contain("## Scorecards").And.Contain("strong yes").And.Contain("Clear thinker, tested edge cases")
            .And.Contain("- Problem solving: 3").And.NotContain("first thoughts");
        var html = await (await ivy.GetAsync($"/api/rooms/{a.RoomId}/replay/summary.html")).Content.ReadAsStringAsync();
        html.Should().Contain("<h2>Scorecards</h2>").And.Contain("Clear thinker, tested edge cases");
        using var observer = _s.WithRoomToken(a.ObserverLink);
        var observed = await observer.GetAsync($"/api/rooms/{a.RoomId}/replay/summary.md");
        observed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await observed.Content.ReadAsStringAsync()).Should().NotContain("Scorecard").And.NotContain("Clear thinker");
        (await (await observer.GetAsync($"/api/rooms/{a.RoomId}/replay/summary.html")).Content.ReadAsStringAsync()).Should().NotContain("Scorecard").And.NotContain("Clear thinker");
        using var candidate = _s.WithRoomToken(a.CandidateLink);
        await ProblemAsync(await candidate.GetAsync($"/api/rooms/{a.RoomId}/replay/summary.md"), HttpStatusCode.Forbidden, "replay-forbidden");
    }

    private static object Scorecard(string recommendation, string text = "ok") => new
    {
        ratings = new[] { new { competency = "Problem solving", rating = 3 }, new { competency = "Communication", rating = 4 } },
        recommendation,
        text,
    };
}
