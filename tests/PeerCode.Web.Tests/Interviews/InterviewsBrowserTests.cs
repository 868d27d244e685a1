using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Interviews;

/// <summary>
/// The interviews page in Chromium: a signed-in interviewer schedules, copies the candidate link, the candidate joins
/// without an account, the interviewer link is refused to a browser that is not signed in and admits the signed-in
/// interviewer, then start, end and a scorecard.
/// </summary>
public sealed class InterviewsBrowserTests
{

    [Fact]
    public async Task An_interviewer_schedules_on_the_page_the_candidate_joins_by_link_and_the_scorecard_is_saved_after_the_end()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl, "ada@example.com", "Ada");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        var ada = await (await browser.NewContextAsync()).NewPageAsync();
        await ada.GotoAsync($"{server.BaseUrl}/signin");
        await ada.FillAsync("input[name=email]", admin.Email);
        await ada.FillAsync("input[name=password]", admin.Password);
        await ada.ClickAsync("#signin button");
        await ada.Locator("#current-user").WaitForAsync(new() { Timeout = 20_000 });

        await ada.GotoAsync($"{server.BaseUrl}/interviews");
        await ada.FillAsync("#schedule input[name=title]", "Browser round");
        await ada.FillAsync("#schedule input[name=candidateName]", "Cleo");
        await ada.FillAsync("#schedule input[name=candidateEmail]", "cleo@example.com");
        await ada.ClickAsync("#schedule button");
        await ada.Locator("#status").WaitForAsync(new() { Timeout = 20_000 });
        (await ada.Locator("#status").InnerTextAsync()).Should().Be("scheduled");
        var candidateLink = await ada.Locator("#links li[data-role=candidate] input.link").InputValueAsync();
        var interviewerLink = await ada.Locator("#links li[data-role=interviewer] input.link").InputValueAsync();
        candidateLink.Should().Contain("/r/").And.Contain("#");

        // The candidate needs no account; a browser that is not signed in cannot use the interviewer link.
        var cleo = await JoinAsync(browser, candidateLink, "Cleo");
        (await cleo.Locator("#status").InnerTextAsync()).Should().Be("connected");
        var stranger = await (await browser.NewContextAsync()).NewPageAsync();
        await stranger.GotoAsync(interviewerLink);
        await stranger.FillAsync("input[name=name]", "Mallory");
        await stranger.ClickAsync("#join button");
        await stranger.Locator("#error:has-text('signed-in interviewer')").WaitForAsync(new() { Timeout = 20_000 });
        var room = await ada.Context.NewPageAsync();
        await room.GotoAsync(interviewerLink);
        await room.FillAsync("input[name=name]", "Ada");
        await room.ClickAsync("#join button");
        await room.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });

        await ada.ClickAsync("#start");
        await ada.Locator("#status:has-text('in-progress')").WaitForAsync(new() { Timeout = 20_000 });
        await ada.ClickAsync("#end");
        await ada.Locator("#status:has-text('ended')").WaitForAsync(new() { Timeout = 20_000 });
        // Ada is an admin but was also the one who scheduled, so she is its interviewer and fills the scorecard.
        await ada.SelectOptionAsync("select[name=recommendation]", "strong-yes");
        await ada.FillAsync("textarea[name=text]", "Calm and thorough");
        await ada.ClickAsync("#scorecard-form button");
        await ada.Locator("#scorecards:has-text('Calm and thorough')").WaitForAsync(new() { Timeout = 20_000 });
        (await ada.Locator("#scorecards").InnerTextAsync()).Should().Contain("Strong yes");

        await ada.GotoAsync($"{server.BaseUrl}/interviews");
        await ada.Locator("#list td.status:has-text('ended')").WaitForAsync(new() { Timeout = 20_000 });
    }

    private static async Task<IPage> JoinAsync(IBrowser browser, string link, string name)
    {
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(link);
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#join button");
        await page.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        return page;
    }

}
