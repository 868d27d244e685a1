using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Questions;

/// <summary>End to end in Debian's chromium: the bank page writes a question, the interviewer picks it in the room, the candidate sees it beside the editor.</summary>
public sealed class QuestionBrowserTests
{
    [Fact]
    public async Task An_interviewer_writes_a_question_in_the_bank_picks_it_in_the_room_and_the_candidate_sees_safe_Markdown_without_hidden_tests_and_the_starter_code()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        using var http = admin.Client(server.BaseUrl);
        var room = await (await http.PostAsJsonAsync("/api/rooms", new { title = "Bank E2E", language = "python" })).Content.ReadFromJsonAsync<JsonElement>();
        var links = room.GetProperty("links");
        var secret = "hidden-" + Guid.NewGuid().ToString("N")[..10];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var interviewerContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1300, Height = 800 }, BaseURL = server.BaseUrl });
        var signIn = await interviewerContext.APIRequest.PostAsync("/api/account/signin", new() { DataObject = new { email = admin.Email, password = admin.Password } });
        signIn.Ok.Should().BeTrue(await signIn.TextAsync());

        // The bank page: a new question with a Markdown description, python starter code, a visible and a hidden test.
        var bank = await interviewerContext.NewPageAsync();
        await bank.GotoAsync("/questions");
        await bank.ClickAsync("#new");
        await bank.FillAsync("#question-form input[name=title]", "Shout back");
        await bank.SelectOptionAsync("#question-form select[name=difficulty]", "medium");
        await bank.FillAsync("input[name=categories]", "strings, io");
        await bank.FillAsync("textarea[name=description]", "Read a line and print it **upper-cased**.\n\n<img src=x onerror=\"window.__xss=1\">\n\n- keep `stdin` short");
        (await bank.Locator("#preview strong").InnerTextAsync()).Should().Be("upper-cased");
        await bank.ClickAsync("details:has(textarea[data-language=python]) summary");
        await bank.FillAsync("textarea[data-language=python]", "import sys\nprint(sys.stdin.read().strip().upper())\n");
        await bank.ClickAsync("#add-test");
        await bank.ClickAsync("#add-test");
        var rows = bank.Locator("#tests tbody tr");
        await rows.Nth(0).Locator("[data-f=stdin]").FillAsync("abc");
        await rows.Nth(0).Locator("[data-f=expectedStdout]").FillAsync("ABC");
        await rows.Nth(1).Locator("[data-f=stdin]").FillAsync(secret);
        await rows.Nth(1).Locator("[data-f=expectedStdout]").FillAsync(secret.ToUpperInvariant());
        await rows.Nth(1).Locator("[data-f=hidden]").CheckAsync();
        await bank.ClickAsync("#question-form button[type=submit]");
        try { await bank.Locator("#question-list tbody tr", new() { HasText = "Shout back" }).WaitForAsync(new() { Timeout = 10_000 }); }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The question did not appear in the list: {await bank.Locator("#bank-error").InnerTextAsync()} | {await bank.Locator("#editor-pane").InnerTextAsync()} | {await bank.Locator("#question-list").InnerTextAsync()} | {await bank.EvaluateAsync<string>("async () => { const r = await fetch('/api/questions?includeArchived=true', {cache: 'no-store'}); return r.status + ' ' + await r.text(); }")}");
        }
        (await bank.Locator("#question-list tbody").InnerTextAsync()).Should().Contain("medium").And.Contain("2 (1 hidden)");

        // The candidate is in the room already, its document empty; the interviewer picks the question there.
        var candidate = await RoomBrowserTests.OpenAsync(browser, links.GetProperty("candidate").GetString()!, "Cara");
        var interviewer = await interviewerContext.NewPageAsync();
        await interviewer.GotoAsync(links.GetProperty("interviewer").GetString()!);
        await interviewer.FillAsync("input[name=name]", "Ivy");
        await interviewer.ClickAsync("#join button");
        await interviewer.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        await interviewer.Locator("#question-select option", new() { HasText = "Shout back" }).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await interviewer.SelectOptionAsync("#question-select", new SelectOptionValue { Label = "Shout back (medium)" });
        await interviewer.ClickAsync("#question-use");

        await candidate.Locator("#question-title", new() { HasText = "Shout back" }).WaitForAsync(new() { Timeout = 10_000 });
        (await candidate.Locator("#question strong").InnerTextAsync()).Should().Be("upper-cased");
        (await candidate.Locator("#question img").CountAsync()).Should().Be(0, "HTML in a description is text, never markup");
        (await candidate.Locator("#question").InnerTextAsync()).Should().Contain("<img src=x").And.Contain("1 hidden test also runs").And.NotContain(secret);
        (await candidate.ContentAsync()).Should().NotContain(secret);
        (await candidate.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue();
        (await interviewer.Locator("#question").TextContentAsync()).Should().Contain(secret, "interviewers see the hidden test (inside its collapsed details)");

        string text = "";
        for (var i = 0; i < 100 && text != "import sys\nprint(sys.stdin.read().strip().upper())\n"; i++)
        {
            text = await RoomBrowserTests.EditorTextAsync(candidate);
            await Task.Delay(100);
        }
        text.Should().Be("import sys\nprint(sys.stdin.read().strip().upper())\n", "the starter code seeded the empty document");

        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await candidate.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-question-candidate.png") });
        await bank.ScreenshotAsync(new() { Path = Path.Combine(shots, "question-bank.png") });
    }
}
