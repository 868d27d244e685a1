using System.Text;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Interviews;

/// <summary>
/// Issue 6 end to end in Debian's chromium, the way a hiring team meets the product: the first person signs up (and is
/// admin), writes a question in the bank, schedules an interview with it, opens the room; the candidate opens the
/// candidate link in a second browser context without an account; the interviewer takes a private note. The candidate's
/// page never shows the note, and nothing the candidate's browser receives over the room's WebSocket carries its text.
/// </summary>
public sealed class HiringTeamJourneyTests
{

    private static readonly PageWaitForSelectorOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task Sign_up_write_a_question_schedule_an_interview_the_candidate_joins_by_link_and_never_sees_the_private_note()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var note = $"note-{Guid.NewGuid():N}";

        // Sign up: the first account is the admin (and an interviewer).
        var team = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var ada = await team.NewPageAsync();
        await ada.GotoAsync(server.BaseUrl);
        await ada.ClickAsync("text=Sign up");
        await ada.FillAsync("input[name=email]", "ada@example.com");
        await ada.FillAsync("input[name=displayName]", "Ada");
        await ada.FillAsync("input[name=password]", "ada-long-password");
        await ada.ClickAsync("button[type=submit]");
        await ada.WaitForSelectorAsync("#current-user:has-text('Ada')", Soon);

        // A question in the bank, with starter code for Python.
        await ada.GotoAsync($"{server.BaseUrl}/questions");
        await ada.ClickAsync("#new");
        await ada.FillAsync("#question-form input[name=title]", "Reverse a line");
        await ada.SelectOptionAsync("#question-form select[name=difficulty]", "easy");
        await ada.FillAsync("textarea[name=description]", "Print the line read from stdin **reversed**.");
        await ada.ClickAsync("details:has(textarea[data-language=python]) summary");
        await ada.FillAsync("textarea[data-language=python]", "import sys\nprint(sys.stdin.read().strip()[::-1])\n");
        await ada.ClickAsync("#question-form button[type=submit]");
        await ada.Locator("#question-list tbody tr", new() { HasText = "Reverse a line" }).WaitForAsync(new() { Timeout = 20_000 });

        // Schedule an interview with that question (picked from the bank's list, no ids to copy).
        await ada.GotoAsync($"{server.BaseUrl}/interviews");
        await ada.FillAsync("#schedule input[name=title]", "Backend screen");
        await ada.FillAsync("#schedule input[name=candidateName]", "Cleo");
        await ada.FillAsync("#schedule input[name=candidateEmail]", "cleo@example.com");
        await ada.Locator("#schedule-question option", new() { HasText = "Reverse a line" }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        await ada.SelectOptionAsync("#schedule-question", new SelectOptionValue { Label = "Reverse a line (easy)" });
        await ada.ClickAsync("#schedule button");
        await ada.WaitForSelectorAsync("#status:has-text('scheduled')", Soon);
        var interviewerLink = await ada.Locator("#links li[data-role=interviewer] input.link").InputValueAsync();
        var candidateLink = await ada.Locator("#links li[data-role=candidate] input.link").InputValueAsync();

        // The interviewer opens the room (signed in, same context): the question beside the editor, its starter code in it.
        var room = await team.NewPageAsync();
        await JoinAsync(room, interviewerLink, "Ada");
        await room.WaitForSelectorAsync("#question-title:has-text('Reverse a line')", Soon);
        await room.WaitForSelectorAsync(".monaco-editor .view-line:has-text('import sys')", Soon);
        await room.Locator("#notes-form textarea").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 20_000 });

        // The candidate: a second context, no account, the candidate link. Every WebSocket frame it receives is kept.
        var candidateContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var cleo = await candidateContext.NewPageAsync();
        var received = new StringBuilder();
        cleo.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (received) received.Append(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? [])).Append('\n');
        };
        await JoinAsync(cleo, candidateLink, "Cleo");
        await cleo.WaitForSelectorAsync("#question-title:has-text('Reverse a line')", Soon);
        await cleo.WaitForSelectorAsync(".monaco-editor .view-line:has-text('import sys')", Soon);
        (await cleo.Locator("#notes").IsHiddenAsync()).Should().BeTrue("the notes panel is for interviewers only");

        // The interviewer's private note, then a chat message: once the chat reaches the candidate, a note sent to the
        // whole room would have reached it too (one connection, in order).
        await room.FillAsync("#notes-form textarea", $"{note}: asks good clarifying questions");
        await room.ClickAsync("#notes-form button");
        await room.Locator("#notes-list li", new() { HasText = note }).WaitForAsync(new() { Timeout = 20_000 });
        await room.FillAsync("#chat-form input", "Take your time with the edge cases");
        await room.ClickAsync("#chat-form button");
        await cleo.Locator("#chat li", new() { HasText = "edge cases" }).WaitForAsync(new() { Timeout = 20_000 });

        (await cleo.ContentAsync()).Should().NotContain(note, "the candidate's page never shows a private note");
        (await cleo.Locator("#notes").InnerHTMLAsync()).Should().BeEmpty();
        string frames;
        lock (received) frames = received.ToString();
        frames.Should().Contain("edge cases", "the capture sees the room's messages").And.NotContain(note, "no hub message to the candidate carries the note");

        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await room.ScreenshotAsync(new() { Path = Path.Combine(shots, "journey-interviewer.png") });
        await cleo.ScreenshotAsync(new() { Path = Path.Combine(shots, "journey-candidate.png") });
    }

    private static async Task JoinAsync(IPage page, string link, string name)
    {
        await page.GotoAsync(link);
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#join button");
        await page.WaitForSelectorAsync("#status.connected", Soon);
    }

}
