using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Rooms;

/// <summary>End to end: Debian's chromium (never a downloaded browser) driving the real app against a real server process.</summary>
public sealed class RoomBrowserTests
{
    [Fact]
    public async Task Two_people_typing_into_Monaco_at_once_end_with_the_same_text_and_see_each_others_named_cursor()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = await TestAccounts.AdminClientAsync(server.BaseUrl);
        var created = await (await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "E2E", language = "python" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var links = created.GetProperty("links");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var alice = await OpenAsync(browser, links.GetProperty("interviewer").GetString()!, "Alice");
        var bob = await OpenAsync(browser, links.GetProperty("candidate").GetString()!, "Bob");

        // Two lines, Alice on the first and Bob on the second, then both type at the same time.
        await alice.Keyboard.PressAsync("Enter");
        await alice.Keyboard.PressAsync("ArrowUp");
        await bob.Locator(".monaco-editor .view-line").Nth(1).WaitForAsync();
        await bob.Keyboard.PressAsync("Control+End");
        await Task.WhenAll(alice.Keyboard.TypeAsync("alpha one two ", new() { Delay = 15 }), bob.Keyboard.TypeAsync("beta three four ", new() { Delay = 15 }));

        string aliceText = "", bobText = "";
        for (var i = 0; i < 100; i++)
        {
            (aliceText, bobText) = (await EditorTextAsync(alice), await EditorTextAsync(bob));
            if (aliceText == bobText && aliceText.Length == "alpha one two \nbeta three four ".Length) break;
            await Task.Delay(100);
        }
        aliceText.Should().Be(bobText);
        aliceText.Should().Be("alpha one two \nbeta three four ");

        // Bob's cursor on Alice's screen: y-monaco's head decoration, labelled with his name.
        var head = alice.Locator("[class*='yRemoteSelectionHead-']").First;
        await head.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        var label = await head.EvaluateAsync<string>("el => getComputedStyle(el, '::after').content");
        label.Should().Be("\"Bob\"");
        (await alice.Locator("#presence").InnerTextAsync()).Should().Contain("Bob").And.Contain("Alice");
        (await alice.Locator("#status").InnerTextAsync()).Should().Be("connected");

        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await alice.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-two-editors.png") });
    }

    [Fact]
    public async Task Edits_made_while_the_server_is_down_merge_when_the_browsers_reconnect()
    {
        var data = Repo.NewDataDirectory();
        var server = await ServerProcess.StartAsync(data);
        try
        {
            using var http = await TestAccounts.AdminClientAsync(server.BaseUrl);
            var created = await (await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "Offline", language = "go" }))
                .Content.ReadFromJsonAsync<JsonElement>();
            var links = created.GetProperty("links");
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var alice = await OpenAsync(browser, links.GetProperty("interviewer").GetString()!, "Alice");
            var bob = await OpenAsync(browser, links.GetProperty("candidate").GetString()!, "Bob");
            await alice.Keyboard.TypeAsync("online\n");
            await bob.Locator(".monaco-editor .view-line").Nth(1).WaitForAsync();

            var port = server.Port;
            await server.DisposeAsync();
            await alice.Locator("#status:not(.connected)").WaitForAsync(new() { Timeout = 10_000 });
            await alice.Keyboard.TypeAsync("from alice ");
            await bob.Keyboard.PressAsync("Control+Home");
            await bob.Keyboard.TypeAsync("from bob ");

            server = await ServerProcess.StartAsync(data, port);
            await alice.Locator("#status.connected").WaitForAsync(new() { Timeout = 30_000 });
            await bob.Locator("#status.connected").WaitForAsync(new() { Timeout = 30_000 });
            string a = "", b = "";
            for (var i = 0; i < 100 && !(a == b && a.Contains("from alice") && a.Contains("from bob")); i++)
            {
                await Task.Delay(100);
                (a, b) = (await EditorTextAsync(alice), await EditorTextAsync(bob));
            }
            var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
            Directory.CreateDirectory(shots);
            await alice.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-after-reconnect-alice.png") });
            await bob.ScreenshotAsync(new() { Path = Path.Combine(shots, "room-after-reconnect-bob.png") });
            a.Should().Be(b).And.Be("from bob online\nfrom alice ", "both offline edits survive the reconnect");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }


    internal static async Task<IPage> OpenAsync(IBrowser browser, string link, string name)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 700 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#join button");
        await page.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        await page.Locator(".monaco-editor .view-lines").ClickAsync();
        return page;
    }

    /// <summary>The rendered lines in order of position (textContent: decorations such as remote cursors add no text).</summary>
    internal static Task<string> EditorTextAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('.monaco-editor .view-line')]
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
          .map(l => l.textContent.replace(/\u00a0/g, ' ')).join('\n')
        """);

}
