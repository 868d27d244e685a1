using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Rooms;
using PeerCode.Web.Tests.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Replay;

/// <summary>
/// End to end in Debian's chromium against a real server process: a candidate types, pastes, leaves the window and
/// chats in the room; the interviewer then opens the player, plays it at 32x to the end, seeks back, and the editor
/// follows. A screenshot of the player is kept in artifacts/screenshots.
/// </summary>
public sealed class ReplayBrowserTests
{

    [Fact]
    public async Task The_player_plays_an_interview_to_its_end_at_32x_then_seeks_back_with_markers_for_the_paste_focus_loss_and_chat()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = await TestAccounts.AdminClientAsync(server.BaseUrl);
        var created = await (await http.PostAsJsonAsync($"{server.BaseUrl}/api/rooms", new { title = "Replay E2E", language = "python" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var roomId = created.GetProperty("roomId").GetString()!;
        var interviewerToken = created.GetProperty("links").GetProperty("interviewer").GetString()!.Split('#')[1];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        // The interview: the candidate types two lines, pastes 300 characters, leaves the window and comes back, and chats.
        var room = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 700 } })).NewPageAsync();
        await room.GotoAsync(created.GetProperty("links").GetProperty("candidate").GetString()!);
        await room.FillAsync("input[name=name]", "Cora");
        await room.ClickAsync("#join button");
        await room.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        await room.Locator(".monaco-editor .view-lines").ClickAsync();
        await room.Keyboard.TypeAsync("def add(a, b):\n", new() { Delay = 20 });
        await room.Keyboard.TypeAsync("return a + b\n", new() { Delay = 20 });
        await room.EvaluateAsync("""
            () => {
              const data = new DataTransfer();
              data.setData('text/plain', '#' + 'x'.repeat(299));
              document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """);
        await room.EvaluateAsync("() => { window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }");
        await room.FillAsync("#chat-form input", "done, please run it");
        await room.PressAsync("#chat-form input", "Enter");
        await room.Locator("#chat li").WaitForAsync();

        // Wait until the signals are durable (the hub acknowledges after the append; the page does not wait for it).
        var markers = new List<string>();
        for (var i = 0; i < 100 && !(markers.Contains("paste") && markers.Contains("focus-lost") && markers.Contains("chat")); i++)
        {
            await Task.Delay(100);
            var request = new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/api/rooms/{roomId}/replay/timeline");
            request.Headers.Add("X-Room-Token", interviewerToken);
            var timeline = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            markers = timeline.GetProperty("markers").EnumerateArray().Select(m => m.GetProperty("kind").GetString()!).ToList();
        }
        markers.Should().Contain(["join", "paste", "focus-lost", "chat"]);
        var finalText = await EditorTextAsync(room);
        finalText.Should().Contain("def add(a, b):").And.Contain("#xxx");
        await room.Context.CloseAsync();

        // The player opens at the start, plays at 32x to the end, then seeks back.
        var player = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 800 } })).NewPageAsync();
        var pageErrors = new List<string>();
        player.PageError += (_, e) => pageErrors.Add(e);
        player.Console += (_, m) => { if (m.Type == "error") pageErrors.Add(m.Text); };
        await player.GotoAsync($"{server.BaseUrl}/replay/{roomId}#token={Uri.EscapeDataString(interviewerToken)}&at=0");
        await player.Locator(".replay.ready").WaitForAsync(new() { Timeout = 30_000 });
        (await EditorTextAsync(player)).Should().BeEmpty("revision 0 is the room's creation");
        (await player.Locator("#markers .marker.paste").CountAsync()).Should().Be(1);
        (await player.Locator("#markers .marker.join").CountAsync()).Should().Be(1);
        (await player.Locator("#markers .marker.chat").CountAsync()).Should().Be(1);
        (await player.Locator("#markers .marker.focus-lost").CountAsync()).Should().BeGreaterThanOrEqualTo(1, "closing the room window may blur it once more");

        await player.SelectOptionAsync("#speed", "32");
        await player.ClickAsync("#play");
        try
        {
            await player.Locator("#play:not(.playing)").WaitForAsync(new() { Timeout = 60_000 }); // it stops by itself at the end
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The player did not reach the end: clock '{await player.Locator("#clock").InnerTextAsync()}', " +
                $"error '{await player.Locator("#error").InnerTextAsync()}', page errors: {string.Join(" | ", pageErrors)}");
        }
        (await EditorTextAsync(player)).Should().Be(finalText);
        (await player.Locator("#replay-chat li").InnerTextAsync()).Should().Contain("done, please run it");
        (await player.Locator("#signals").InnerTextAsync()).Should().Contain("pasted 300 characters").And.Contain("left the editor");
        player.Url.Should().MatchRegex(@"&at=\d+$", "the address is a link to the moment shown");

        // Seek with the keyboard to the start, then with the scrubber to the middle: the text follows.
        await player.Keyboard.PressAsync("Home");
        await player.Locator("#clock[data-revision='0']").WaitForAsync();
        (await EditorTextAsync(player)).Should().BeEmpty();
        var last = int.Parse(await player.Locator("#scrub").GetAttributeAsync("max") ?? "0");
        await player.Locator("#scrub").EvaluateAsync($"(el) => {{ el.value = '{last / 2}'; el.dispatchEvent(new Event('change')); }}");
        await player.Locator($"#clock[data-revision='{last / 2}']").WaitForAsync();
        var middle = await EditorTextAsync(player);
        middle.Length.Should().BeLessThan(finalText.Length);
        finalText.Should().StartWith(middle.Split('\n')[0]);
        // Mid-typing, Cora's cursor is drawn with her name.
        var head = player.Locator(".replay-cursor").First;
        await head.WaitForAsync();
        (await head.EvaluateAsync<string>("el => getComputedStyle(el, '::after').content")).Should().Be("\"Cora\"");
        var shots = Path.Combine(Repo.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(shots);
        await player.ScreenshotAsync(new() { Path = Path.Combine(shots, "replay-player-middle.png") });

        // Back to the end with the paste on screen, for the artifact.
        await player.Keyboard.PressAsync("End");
        await player.Locator($"#clock[data-revision='{last}']").WaitForAsync();
        (await EditorTextAsync(player)).Should().Be(finalText);
        await player.ScreenshotAsync(new() { Path = Path.Combine(shots, "replay-player.png") });
    }

    private static Task<string> EditorTextAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('.monaco-editor .view-line')]
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
          .map(l => l.textContent.replace(/\u00a0/g, ' ')).join('\n').replace(/\n+$/, '')
        """);

}
