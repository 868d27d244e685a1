using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Web.Tests.Rooms;
using Xunit;

namespace PeerCode.Web.Tests.Accounts;

public sealed class AccountsApiTests
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("code").GetString().Should().Be(code, text);
        return problem;
    }

    [Fact]
    public async Task The_first_account_is_admin_later_ones_need_an_invitation_and_roles_decide_what_each_may_call()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl, "Ada@Example.com ", "Ada");
        admin.Email.Should().Be("ada@example.com");
        admin.Roles.Should().BeEquivalentTo("admin", "interviewer");

        // The same email in another spelling is the same account.
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/account/register",
            new { email = "ADA@example.com", password = "another-password", displayName = "Ada 2" }), HttpStatusCode.Conflict, "email-taken");
        // Later registration needs an invitation (PeerCode:Accounts:OpenRegistration is off by default).
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/account/register",
            new { email = "bob@example.com", password = "bob-password-1", displayName = "Bob" }), HttpStatusCode.Forbidden, "invitation-required");

        using var adminHttp = admin.Client(server.BaseUrl);
        var invitation = await (await adminHttp.PostAsJsonAsync("/api/admin/invitations", new { email = "bob@example.com", role = "interviewer" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var code = invitation.GetProperty("code").GetString()!;
        invitation.GetProperty("link").GetString().Should().StartWith($"{server.BaseUrl}/signup#invitation=");
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/account/register",
            new { email = "carol@example.com", password = "carol-password", displayName = "Carol", invitation = code }), HttpStatusCode.Forbidden, "invitation-invalid");
        (await anonymous.PostAsJsonAsync("/api/account/register", new { email = "bob@example.com", password = "bob-password-1", displayName = "Bob", invitation = code }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/account/register",
            new { email = "bob@example.com", password = "bob-password-1", displayName = "Bob", invitation = code }), HttpStatusCode.Conflict, "email-taken");

        var bob = await TestAccounts.SignInAsync(server.BaseUrl, "bob@example.com", "bob-password-1");
        bob.Roles.Should().BeEquivalentTo("interviewer");
        var ivy = await TestAccounts.CreateInterviewerAsync(server.BaseUrl, admin, "ivy@example.com");

        var users = await adminHttp.GetFromJsonAsync<JsonElement>("/api/admin/users");
        users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("email").GetString())
            .Should().Equal("ada@example.com", "bob@example.com", "ivy@example.com");
        users.GetProperty("users").GetRawText().Should().NotContain("AQAAAA", "password hashes never leave the server");

        using var bobHttp = bob.Client(server.BaseUrl);
        var forbidden = await ProblemAsync(await bobHttp.GetAsync("/api/admin/users"), HttpStatusCode.Forbidden, "forbidden");
        forbidden.GetProperty("detail").GetString().Should().Contain("'admin'");
        await ProblemAsync(await bobHttp.PostAsJsonAsync("/api/admin/invitations", new { email = "eve@example.com" }), HttpStatusCode.Forbidden, "forbidden");
        var unauthenticated = await anonymous.GetAsync("/api/admin/users");
        await ProblemAsync(unauthenticated, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAsync(await anonymous.GetAsync("/api/account/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        using var forged = TestAccounts.BearerClient(server.BaseUrl, admin.AccessToken[..^4] + "AAAA");
        await ProblemAsync(await forged.GetAsync("/api/account/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        ivy.Roles.Should().BeEquivalentTo("interviewer");
    }

    [Fact]
    public async Task Validation_problems_name_each_field_and_how_to_fix_it_and_store_nothing()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var problem = await ProblemAsync(await http.PostAsJsonAsync("/api/account/register", new { email = "not-an-email", password = "short", displayName = " " }),
            HttpStatusCode.BadRequest, "validation-failed");
        var errors = problem.GetProperty("errors");
        errors.GetProperty("email")[0].GetString().Should().Contain("name@example.com");
        errors.GetProperty("password")[0].GetString().Should().Contain("at least 10 characters").And.Contain("has 5");
        errors.GetProperty("displayName")[0].GetString().Should().Contain("1 to 60");
        await ProblemAsync(await http.PostAsJsonAsync("/api/account/token", new { email = "", password = "" }), HttpStatusCode.BadRequest, "validation-failed");

        // Nothing was stored: the same email still registers, and as the first account it is admin.
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl, "not-an-email@example.com");
        admin.Roles.Should().Contain("admin");
        using var adminHttp = admin.Client(server.BaseUrl);
        var invalid = await ProblemAsync(await adminHttp.PostAsJsonAsync("/api/admin/invitations", new { email = "x@", role = "owner" }),
            HttpStatusCode.BadRequest, "validation-failed");
        invalid.GetProperty("errors").GetProperty("role")[0].GetString().Should().Contain("'interviewer' or 'admin'");
        await ProblemAsync(await adminHttp.PostAsJsonAsync("/api/admin/invitations", new { email = "not-an-email@example.com" }),
            HttpStatusCode.Conflict, "already-registered");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_the_lockout_is_checked_before_the_password_and_it_opens_again_after_the_duration()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory(),
            "--PeerCode:Accounts:LockoutMaxFailures", "3", "--PeerCode:Accounts:LockoutDuration", "00:00:03");
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl, "lock@example.com");
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        await ProblemAsync(await http.PostAsJsonAsync("/api/account/token", new { email = "lock@example.com", password = "wrong-password-1" }),
            HttpStatusCode.Unauthorized, "invalid-credentials");
        await ProblemAsync(await http.PostAsJsonAsync("/api/account/signin", new { email = "lock@example.com", password = "wrong-password-2" }),
            HttpStatusCode.Unauthorized, "invalid-credentials");
        var third = await http.PostAsJsonAsync("/api/account/token", new { email = "lock@example.com", password = "wrong-password-3" });
        var locked = await ProblemAsync(third, (HttpStatusCode)423, "locked-out");
        var retryAt = locked.GetProperty("retryAt").GetDateTimeOffset();
        retryAt.Should().BeAfter(DateTimeOffset.UtcNow).And.BeBefore(DateTimeOffset.UtcNow.AddSeconds(4));
        locked.GetProperty("detail").GetString().Should().Contain("Try again after");
        third.Headers.RetryAfter.Should().NotBeNull();

        // The right password is refused too while locked: the lockout is decided before the password is looked at.
        await ProblemAsync(await http.PostAsJsonAsync("/api/account/token", new { email = "lock@example.com", password = TestAccounts.DefaultPassword }),
            (HttpStatusCode)423, "locked-out");
        using var adminHttp = admin.Client(server.BaseUrl);
        (await adminHttp.GetFromJsonAsync<JsonElement>("/api/admin/users")).GetProperty("users")[0].GetProperty("lockedUntil").GetDateTimeOffset()
            .Should().Be(retryAt);

        await Task.Delay(retryAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        (await TestAccounts.SignInAsync(server.BaseUrl, "lock@example.com", TestAccounts.DefaultPassword)).AccountId.Should().Be(admin.AccountId);
        // An unknown email gets the same answer as a wrong password (no account enumeration).
        await ProblemAsync(await http.PostAsJsonAsync("/api/account/token", new { email = "nobody@example.com", password = "whatever-123" }),
            HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task The_browser_cookie_signs_in_and_its_changes_need_the_antiforgery_header_while_bearer_requests_do_not()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl, "cookie@example.com");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) };

        var signedIn = await browser.PostAsJsonAsync("/api/account/signin", new { email = "cookie@example.com", password = TestAccounts.DefaultPassword });
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("peercode.auth="));
        setCookie.Should().Contain("httponly").And.Contain("samesite=strict");
        (await browser.GetFromJsonAsync<JsonElement>("/api/account/me")).GetProperty("accountId").GetGuid().Should().Be(admin.AccountId);

        await ProblemAsync(await browser.PostAsJsonAsync("/api/admin/invitations", new { email = "x@example.com" }), HttpStatusCode.Forbidden, "antiforgery-token-invalid");
        var antiforgery = await browser.GetFromJsonAsync<JsonElement>("/api/account/antiforgery");
        antiforgery.GetProperty("headerName").GetString().Should().Be("X-CSRF-TOKEN");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/invitations") { Content = JsonContent.Create(new { email = "x@example.com" }) };
        request.Headers.Add("X-CSRF-TOKEN", antiforgery.GetProperty("token").GetString());
        (await browser.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Created);

        using var bearer = admin.Client(server.BaseUrl);
        (await bearer.PostAsJsonAsync("/api/admin/invitations", new { email = "y@example.com" })).StatusCode.Should().Be(HttpStatusCode.Created);

        var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/account/signout");
        signOut.Headers.Add("X-CSRF-TOKEN", antiforgery.GetProperty("token").GetString());
        (await browser.SendAsync(signOut)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await browser.GetAsync("/api/account/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_survive_a_restart_work_on_a_second_process_sharing_the_data_folder_and_refresh_into_new_ones()
    {
        var data = Repo.NewDataDirectory();
        TestAccount admin;
        string refreshToken;
        await using (var first = await ServerProcess.StartAsync(data))
        {
            admin = await TestAccounts.RegisterFirstAdminAsync(first.BaseUrl);
            using var http = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
            var tokens = await (await http.PostAsJsonAsync("/api/account/token", new { email = admin.Email, password = admin.Password })).Content.ReadFromJsonAsync<JsonElement>();
            tokens.GetProperty("expiresIn").GetInt32().Should().Be(3600);
            refreshToken = tokens.GetProperty("refreshToken").GetString()!;
        }
        Directory.EnumerateFiles(Path.Combine(data, "keys"), "key-*.xml").Should().NotBeEmpty();

        await using var restarted = await ServerProcess.StartAsync(data);
        await using var second = await ServerProcess.StartAsync(data);
        foreach (var server in new[] { restarted, second })
        {
            using var http = admin.Client(server.BaseUrl);
            (await http.GetFromJsonAsync<JsonElement>("/api/account/me")).GetProperty("email").GetString().Should().Be(admin.Email);
        }
        using var anonymous = new HttpClient { BaseAddress = new Uri(second.BaseUrl) };
        var refreshed = await (await anonymous.PostAsJsonAsync("/api/account/refresh", new { refreshToken })).Content.ReadFromJsonAsync<JsonElement>();
        using var renewed = TestAccounts.BearerClient(second.BaseUrl, refreshed.GetProperty("accessToken").GetString()!);
        (await renewed.GetFromJsonAsync<JsonElement>("/api/account/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Contain("admin");
        await ProblemAsync(await anonymous.PostAsJsonAsync("/api/account/refresh", new { refreshToken = refreshToken[..^3] + "xyz" }),
            HttpStatusCode.Unauthorized, "invalid-refresh-token");
    }

    [Fact]
    public async Task An_expired_invitation_is_refused_and_open_registration_admits_interviewers_without_one()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory(),
            "--PeerCode:Accounts:InvitationLifetime", "00:00:01", "--PeerCode:Accounts:OpenRegistration", "true");
        var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
        using var adminHttp = admin.Client(server.BaseUrl);
        var code = (await (await adminHttp.PostAsJsonAsync("/api/admin/invitations", new { email = "late@example.com", role = "admin" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        // Wait for the one-second lifetime to pass on the server's clock: the admin's list stops showing it as open.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await adminHttp.GetFromJsonAsync<JsonElement>("/api/admin/users")).GetProperty("invitations").GetArrayLength() > 0)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "a one-second invitation must stop being open within seconds");
            await Task.Delay(100);
        }
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        await ProblemAsync(await http.PostAsJsonAsync("/api/account/register",
            new { email = "late@example.com", password = "late-password-1", displayName = "Late", invitation = code }), HttpStatusCode.Forbidden, "invitation-expired");

        (await http.PostAsJsonAsync("/api/account/register", new { email = "walk.in@example.com", password = "walk-in-password", displayName = "Walk-in" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await TestAccounts.SignInAsync(server.BaseUrl, "walk.in@example.com", "walk-in-password")).Roles.Should().Equal("interviewer");
    }
}
