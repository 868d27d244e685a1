using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Notes;

/// <summary>
/// End to end in Debian's chromium against a real server: the interviewer takes a note in the room's notes panel; a
/// second interviewer opening the room later gets the next one live (the earlier ones need sign-in: the REST list is
/// covered by NotePrivacyTests); the candidate's and the observer's pages never hold a note's text or a notes panel; the
/// replay player shows notes to the interviewer and not to the observer.
/// </summary>
public sealed class NotesBrowserTests
{

    [Fact]
    public async Task A_note_taken_in_the_room_reaches_interviewers_and_the_interviewers_replay_and_never_the_candidate_or_observer_page()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = await TestAccounts.AdminClientAsync(server.BaseUrl); // rooms are created by a signed-in interviewer
        var created = await (await http.PostAsJsonAsync("/api/rooms", new { title = "Notes E2E", language = "python" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var links = created.GetProperty("links");
        string Link(string role) => links.GetProperty(role).GetString()!;
        var roomId = created.GetProperty("roomId").GetGuid();
        var secret = $"NOTE-E2E-{Guid.NewGuid():N}";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var alice = await OpenAsync(browser, Link("interviewer"), "Alice");
        var bob = await OpenAsync(browser, Link("candidate"), "Bob");
        var olga = await OpenAsync(browser, Link("observer"), "Olga");

        await alice.Locator("#notes-form textarea").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        (await bob.Locator("#notes").IsHiddenAsync()).Should().BeTrue();
        (await olga.Locator("#notes").IsHiddenAsync()).Should().BeTrue();

        await alice.FillAsync("#notes-form textarea", $"{secret} explains the trade-off well");
        await alice.ClickAsync("#notes-form button");
        await alice.Locator("#notes-list li", new() { HasText = secret }).WaitForAsync(new() { Timeout = 10_000 });
        (await alice.Locator("#notes-list li").CountAsync()).Should().Be(1, "the sender's own Note message and its acknowledgement show once");
        (await alice.InputValueAsync("#notes-form textarea")).Should().BeEmpty();

        // A chat line after the note reaches the candidate and the observer: anything sent before it would have arrived too.
        await alice.FillAsync("#chat-form input", "after the note");
        await alice.ClickAsync("#chat-form button");
        foreach (var page in new[] { bob, olga })
        {
            await page.Locator("#chat li", new() { HasText = "after the note" }).WaitForAsync(new() { Timeout = 10_000 });
            (await page.ContentAsync()).Should().NotContain(secret);
            (await page.Locator("#notes").InnerHTMLAsync()).Should().BeEmpty();
        }

        // A second interviewer opens the room later without signing in: the notes so far need a signed-in interviewer
        // (the list is asked for and refused, and the panel says why), new notes still reach the panel live.
        var ivan = await OpenAsync(browser, Link("interviewer"), "Ivan");
        await ivan.Locator("#notes-error", new() { HasText = "Sign in" }).WaitForAsync(new() { Timeout = 10_000 });
        (await ivan.ContentAsync()).Should().NotContain(secret);
        await alice.FillAsync("#notes-form textarea", "second note, after Ivan joined");
        await alice.ClickAsync("#notes-form button");
        await ivan.Locator("#notes-list li", new() { HasText = "second note, after Ivan joined" }).WaitForAsync(new() { Timeout = 10_000 });
        await alice.Locator("#notes-list li", new() { HasText = "second note" }).WaitForAsync(new() { Timeout = 10_000 });
        await alice.FillAsync("#chat-form input", "after the second note");
        await alice.ClickAsync("#chat-form button");
        await bob.Locator("#chat li", new() { HasText = "after the second note" }).WaitForAsync(new() { Timeout = 10_000 });
        (await bob.ContentAsync()).Should().NotContain("second note, after Ivan joined");

        var token = (string role) => Uri.EscapeDataString(Link(role).Split('#')[1]);
        var interviewerReplay = await (await browser.NewContextAsync()).NewPageAsync();
        await interviewerReplay.GotoAsync($"{server.BaseUrl}/replay/{roomId:N}#token={token("interviewer")}");
        await ToTheEndAsync(interviewerReplay);
        await interviewerReplay.Locator("#replay-notes li", new() { HasText = secret }).WaitForAsync(new() { Timeout = 20_000 });
        var observerReplay = await (await browser.NewContextAsync()).NewPageAsync();
        await observerReplay.GotoAsync($"{server.BaseUrl}/replay/{roomId:N}#token={token("observer")}");
        await ToTheEndAsync(observerReplay);
        await observerReplay.Locator("#replay-chat li", new() { HasText = "after the note" }).WaitForAsync(new() { Timeout = 20_000 });
        (await observerReplay.ContentAsync()).Should().NotContain(secret);
        (await observerReplay.Locator("#replay-notes-section").IsHiddenAsync()).Should().BeTrue();

        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await alice.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-private-notes-interviewer.png") });
        await bob.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-private-notes-candidate.png") });
    }

    /// <summary>Waits for the player to load, then jumps to the last event (its End key).</summary>
    private static async Task ToTheEndAsync(IPage player)
    {
        await player.Locator(".replay.ready").WaitForAsync(new() { Timeout = 20_000 });
        await player.Locator("#play").FocusAsync();
        await player.Keyboard.PressAsync("End");
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, string link, string name)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 700 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#join button");
        await page.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        return page;
    }

}
