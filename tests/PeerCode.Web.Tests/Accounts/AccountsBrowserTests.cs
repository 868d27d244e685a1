using FluentAssertions;
using Microsoft.Playwright;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Accounts;

/// <summary>The browser side of accounts, in Debian's chromium against a real server, with the real CSP in force.</summary>
public sealed class AccountsBrowserTests
{
    [Fact]
    public async Task The_first_person_signs_up_as_admin_creates_a_room_that_opens_Monaco_under_the_CSP_invites_an_interviewer_who_signs_up_and_both_sign_out()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var cspViolations = new List<string>();

        async Task<IPage> NewPageAsync()
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 700 } });
            var page = await context.NewPageAsync();
            page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) lock (cspViolations) cspViolations.Add(m.Text); };
            return page;
        }

        var admin = await NewPageAsync();
        await admin.GotoAsync(server.BaseUrl);
        await admin.Locator("#signin-needed").WaitForAsync(); // creating a room needs a signed-in interviewer
        (await admin.Locator("#create").IsVisibleAsync()).Should().BeFalse();
        await admin.ClickAsync("text=Sign up");
        await admin.FillAsync("input[name=email]", "ada@example.com");
        await admin.FillAsync("input[name=displayName]", "Ada");
        await admin.FillAsync("input[name=password]", "short");
        await admin.EvaluateAsync("() => document.querySelector('#signup').noValidate = true");
        await admin.ClickAsync("button[type=submit]");
        await admin.Locator("#error:has-text('at least 10 characters')").WaitForAsync();
        await admin.FillAsync("input[name=password]", "ada-long-password");
        await admin.ClickAsync("button[type=submit]");
        await admin.Locator("#current-user:has-text('Ada')").WaitForAsync();
        (await admin.Locator("#current-user").InnerTextAsync()).Should().Contain("admin");

        // Create a room with the cookie (the app sends X-CSRF-TOKEN), then open its interviewer link: Monaco under the CSP.
        await admin.ClickAsync("#create button[type=submit]");
        var link = await admin.Locator("input.link[data-role=interviewer]").InputValueAsync();
        link.Should().StartWith($"{server.BaseUrl}/r/");
        // In the signed-in context: the cookie travels with SignalR's negotiate too, which must not need an antiforgery header.
        var room = await admin.Context.NewPageAsync();
        room.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) lock (cspViolations) cspViolations.Add(m.Text); };
        await room.GotoAsync(link);
        await room.FillAsync("input[name=name]", "Ada");
        await room.ClickAsync("#join button");
        await room.Locator("#status.connected").WaitForAsync(new() { Timeout = 20_000 });
        await room.Locator(".monaco-editor .view-lines").ClickAsync();
        await room.Keyboard.TypeAsync("print('csp')");
        await room.Locator(".monaco-editor .view-line:has-text(\"print('csp')\")").WaitForAsync();

        // Invite an interviewer; the invitation link opens sign-up with the email and code filled in.
        await admin.ClickAsync("a[href='/admin']");
        await admin.FillAsync("#invite input[name=email]", "ivy@example.com");
        await admin.ClickAsync("#invite button[type=submit]");
        await admin.Locator("#invitation").WaitForAsync();
        var invitation = await admin.Locator("#invitation-link").InputValueAsync();
        invitation.Should().StartWith($"{server.BaseUrl}/signup#invitation=");
        await admin.Locator("#invitations:has-text('ivy@example.com')").WaitForAsync();

        var ivy = await NewPageAsync();
        await ivy.GotoAsync(invitation);
        (await ivy.InputValueAsync("input[name=email]")).Should().Be("ivy@example.com");
        await ivy.FillAsync("input[name=displayName]", "Ivy");
        await ivy.FillAsync("input[name=password]", "ivy-long-password");
        await ivy.ClickAsync("button[type=submit]");
        await ivy.Locator("#current-user:has-text('Ivy')").WaitForAsync();
        (await ivy.Locator("#current-user").InnerTextAsync()).Should().Contain("interviewer").And.NotContain("admin");
        await ivy.Locator("#create").WaitForAsync();
        (await ivy.Locator("a[href='/admin']").CountAsync()).Should().Be(0);

        await ivy.ClickAsync("#signout");
        await ivy.Locator("#signin-needed").WaitForAsync();
        await admin.GotoAsync(server.BaseUrl);
        await admin.ClickAsync("#signout");
        await admin.Locator("#account a[href='/signin']").WaitForAsync();
        await admin.ClickAsync("#account a[href='/signin']");
        await admin.FillAsync("input[name=email]", "ada@example.com");
        await admin.FillAsync("input[name=password]", "wrong-password-1");
        await admin.ClickAsync("button[type=submit]");
        await admin.Locator("#error:has-text('email or the password is wrong')").WaitForAsync();

        cspViolations.Should().BeEmpty("the app and Monaco must work under the CSP without violations");
    }


}
