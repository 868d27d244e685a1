using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Rooms;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Runs;

/// <summary>End to end: Debian's chromium on the real app and server; the run panel in the room page.</summary>
public sealed class RunBrowserTests
{
    [Fact]
    public async Task The_candidate_types_code_the_interviewer_presses_Run_and_both_see_the_output_verdict_and_history_while_the_observer_cannot_run()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = await TestAccounts.AdminClientAsync(server.BaseUrl);
        var links = (await (await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "Run E2E", language = "python" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("links");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var alice = await OpenAsync(browser, links.GetProperty("interviewer").GetString()!, "Alice");
        var bob = await OpenAsync(browser, links.GetProperty("candidate").GetString()!, "Bob");
        var olga = await OpenAsync(browser, links.GetProperty("observer").GetString()!, "Olga");

        await bob.Keyboard.TypeAsync("print(6*7)");
        await alice.Locator(".monaco-editor .view-line", new() { HasText = "print(6*7)" }).WaitForAsync(new() { Timeout = 10_000 });
        await alice.Locator("#run:not([disabled])").WaitForAsync(new() { Timeout = 10_000 });
        (await alice.Locator("#run-language").InnerTextAsync()).Should().MatchRegex(@"^Python .*\(Python 3\.\d+");
        (await olga.Locator("#run").IsDisabledAsync()).Should().BeTrue("observers may not run");

        await alice.ClickAsync("#run");
        foreach (var page in new[] { alice, bob, olga })
        {
            await page.Locator("#run-status.ok").WaitForAsync(new() { Timeout = 30_000 });
            (await page.Locator("#run-status").InnerTextAsync()).Should().StartWith("python: ok (exit 0)");
            (await page.Locator("#terminal .xterm-rows").InnerTextAsync()).Should().Contain("42");
            (await page.Locator("#run-history li").CountAsync()).Should().Be(1);
            (await page.Locator("#run-history li").InnerTextAsync()).Should().Contain("ok").And.Contain("ms");
        }

        // A page opened afterwards fills its history from GET /api/rooms/{roomId}/runs.
        var late = await OpenAsync(browser, links.GetProperty("candidate").GetString()!, "Bob again");
        await late.Locator("#run-history li.ok").WaitForAsync(new() { Timeout = 10_000 });
        (await late.Locator("#run-history li").CountAsync()).Should().Be(1);

        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await bob.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-run.png") });
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, string link, string name)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#join button");
        await page.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        await page.Locator(".monaco-editor .view-lines").ClickAsync();
        return page;
    }

}
