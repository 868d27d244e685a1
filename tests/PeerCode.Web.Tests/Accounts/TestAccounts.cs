using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PeerCode.Web.Tests.Accounts;

/// <summary>A registered account with its bearer access token. <see cref="Client"/> sends it on every request.</summary>
public sealed record TestAccount(Guid AccountId, string Email, string DisplayName, string Password, string AccessToken, IReadOnlyList<string> Roles)
{
    /// <summary>An HttpClient whose BaseAddress is the server and which sends "Authorization: Bearer &lt;access token&gt;".</summary>
    public HttpClient Client(string baseUrl) => TestAccounts.BearerClient(baseUrl, AccessToken);
}

/// <summary>
/// Accounts for tests against a real server (see Rooms/ServerProcess): every server starts with an empty data folder,
/// so the first account registered on it is its admin. Typical use:
/// <code>
/// var admin = await TestAccounts.RegisterFirstAdminAsync(server.BaseUrl);
/// var interviewer = await TestAccounts.CreateInterviewerAsync(server.BaseUrl, admin, "ivy@example.com");
/// using var http = interviewer.Client(server.BaseUrl);   // bearer; hubs: accessTokenFactory = interviewer.AccessToken
/// </code>
/// </summary>
public static class TestAccounts
{
    public const string DefaultPassword = "correct-horse-battery";

    /// <summary>The well-known test admin that tests/hub-client (lib.mjs, TEST_ADMIN) also uses, so either side may register it first.</summary>
    public const string TestAdminEmail = "admin@peercode.test";

    private static readonly ConcurrentDictionary<string, Lazy<Task<TestAccount>>> Admins = new();

    /// <summary>
    /// The server's test admin (admin@peercode.test; also an interviewer): signs in, or registers it first when the server
    /// has no account yet. Cached per server URL, so calling it in every helper costs one sign-in per server.
    /// </summary>
    public static Task<TestAccount> AdminAsync(string baseUrl) =>
        Admins.GetOrAdd(baseUrl, b => new Lazy<Task<TestAccount>>(() => SignInOrRegisterAdminAsync(b))).Value;

    /// <summary>
    /// For an in-memory host (WebApplicationFactory's client): signs in or registers the test admin through
    /// <paramref name="http"/> and returns its bearer token (set it per request, or as the client's default header).
    /// </summary>
    public static async Task<string> AdminTokenAsync(HttpClient http)
    {
        var token = await http.PostAsJsonAsync("/api/account/token", new { email = TestAdminEmail, password = DefaultPassword });
        if (token.StatusCode != HttpStatusCode.OK)
        {
            await RegisterAsync(http, TestAdminEmail, DefaultPassword, "Test admin", invitation: null);
            token = await http.PostAsJsonAsync("/api/account/token", new { email = TestAdminEmail, password = DefaultPassword });
        }
        if (token.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"POST /api/account/token answered {(int)token.StatusCode}: {await token.Content.ReadAsStringAsync()}");
        return (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>An HttpClient for <paramref name="baseUrl"/> signed in as the server's test admin (<see cref="AdminAsync"/>).</summary>
    public static async Task<HttpClient> AdminClientAsync(string baseUrl) => (await AdminAsync(baseUrl)).Client(baseUrl);

    private static async Task<TestAccount> SignInOrRegisterAdminAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = await http.PostAsJsonAsync("/api/account/token", new { email = TestAdminEmail, password = DefaultPassword });
        if (token.StatusCode == HttpStatusCode.OK) return await SignInAsync(baseUrl, TestAdminEmail, DefaultPassword);
        return await RegisterFirstAdminAsync(baseUrl, TestAdminEmail, "Test admin");
    }

    /// <summary>Registers the server's first account (it becomes admin and interviewer) and gets its bearer token.</summary>
    public static async Task<TestAccount> RegisterFirstAdminAsync(string baseUrl, string email = "admin@example.com", string displayName = "Admin")
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        await RegisterAsync(http, email, DefaultPassword, displayName, invitation: null);
        return await SignInAsync(baseUrl, email, DefaultPassword);
    }

    /// <summary>The admin invites <paramref name="email"/> as <paramref name="role"/>; the invitee registers with the code and gets a token.</summary>
    public static async Task<TestAccount> CreateInterviewerAsync(string baseUrl, TestAccount admin, string email, string? displayName = null, string role = "interviewer")
    {
        using var adminHttp = admin.Client(baseUrl);
        var invited = await adminHttp.PostAsJsonAsync("/api/admin/invitations", new { email, role });
        if (invited.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/admin/invitations answered {(int)invited.StatusCode}: {await invited.Content.ReadAsStringAsync()}");
        var code = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        await RegisterAsync(http, email, DefaultPassword, displayName ?? email[..email.IndexOf('@')], code);
        return await SignInAsync(baseUrl, email, DefaultPassword);
    }

    /// <summary>POST /api/account/token: a bearer token for an existing account.</summary>
    public static async Task<TestAccount> SignInAsync(string baseUrl, string email, string password)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var response = await http.PostAsJsonAsync("/api/account/token", new { email, password });
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"POST /api/account/token answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var authed = BearerClient(baseUrl, token);
        var me = await authed.GetFromJsonAsync<JsonElement>("/api/account/me");
        return new TestAccount(me.GetProperty("accountId").GetGuid(), me.GetProperty("email").GetString()!, me.GetProperty("displayName").GetString()!,
            password, token, me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToList());
    }

    public static HttpClient BearerClient(string baseUrl, string accessToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    private static async Task RegisterAsync(HttpClient http, string email, string password, string displayName, string? invitation)
    {
        var response = await http.PostAsJsonAsync("/api/account/register", new { email, password, displayName, invitation });
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/account/register answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
