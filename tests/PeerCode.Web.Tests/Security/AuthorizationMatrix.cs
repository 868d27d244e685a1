// The authorization matrix: every endpoint and hub method against every kind of caller, each asserted allowed or denied
// with the exact status (HTTP) or typed hub error code.
//
// HOW TO ADD ROWS (one line each). Create your own file AuthorizationMatrix.<Area>.cs:
//
//   public static partial class AuthorizationMatrixRows
//   {
//       public static IEnumerable<MatrixRow> Interviews =>
//       [
//           MatrixRow.Http("interviews", "GET", "/api/interviews/{interview}")
//               .Given(async ctx => ctx["interview"] = await CreateInterviewAsync(ctx.InterviewerA.Client(ctx.BaseUrl)))
//               .Allows(Principal.Admin, Principal.InterviewerOfThis)
//               .Denies(403, Principal.InterviewerOfOther)
//               .Denies(401, Principal.Anonymous, Principal.CandidateOfThis, Principal.CandidateOfOther, Principal.Observer),
//           MatrixRow.Hub("notes", "SendNote", "a note").Allows(Principal.InterviewerOfThis).DeniesRest("not-allowed"),
//       ];
//   }
//
// Every public static IEnumerable<MatrixRow> property of AuthorizationMatrixRows is picked up; each row becomes one test
// case named "<area>: <what>". A row must say something about all seven principals (the test fails otherwise).
// Paths and JSON bodies may hold placeholders: {room} (this interview's room), {otherRoom}, {run} (a run of {room}),
// {principal} (the caller's name, for unique emails and titles) and any key a Given step set on the context.
//
// THE PRINCIPALS: "this interview" is an interview scheduled by interviewer A with A as its interviewer (its room is
// room A); "another" is one scheduled by interviewer B for B (room B). Every call targets room A / this interview.
//   Anonymous            no account, no link token
//   Admin                the admin's bearer token, no link token (an admin is no participant of room A)
//   InterviewerOfThis    interviewer A's bearer token + room A's interviewer link token
//   InterviewerOfOther   interviewer B's bearer token + room B's interviewer link token
//   CandidateOfThis      room A's candidate link token, no account
//   CandidateOfOther     room B's candidate link token, no account
//   Observer             room A's observer link token, no account
// HTTP calls send the account token as "Authorization: Bearer" and the link token as "X-Room-Token". Hub calls connect
// with the account token as accessTokenFactory, JoinRoom(room A, link token), then invoke the method (tests/hub-client/matrix.mjs).
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using FluentAssertions.Execution;
using PeerCode.Web.Tests.Accounts;
using PeerCode.Web.Tests.Rooms;
using PeerCode.Web.Tests.Runs;
using Xunit;

namespace PeerCode.Web.Tests.Security;

public enum Principal { Anonymous, Admin, InterviewerOfThis, InterviewerOfOther, CandidateOfThis, CandidateOfOther, Observer }

/// <summary>What a principal must get: allowed (2xx, or a hub call that completes) or denied with an exact status / hub error code.</summary>
public sealed record Expectation(bool Allowed, int? Status = null, string? HubCode = null)
{
    public override string ToString() => Allowed ? "allowed" : Status is { } s ? $"denied {s}" : $"denied '{HubCode}'";
}

/// <summary>What happened to one call.</summary>
public sealed record Outcome(bool Succeeded, int? Status, string? HubCode, string Detail)
{
    public bool Matches(Expectation e) => e.Allowed ? Succeeded : !Succeeded && (e.Status is null || e.Status == Status) && (e.HubCode is null || e.HubCode == HubCode);

    public override string ToString() => (Status is { } s ? $"HTTP {s}" : Succeeded ? "completed" : $"hub error '{HubCode}'") + (Detail.Length > 0 ? $" ({Detail})" : "");
}

public sealed class MatrixRow
{
    private readonly Dictionary<Principal, Expectation> _expected = new();
    private readonly List<Func<MatrixContext, Task>> _given = [];

    private MatrixRow(string area, string what, bool hub, string method, string path, object? body, object?[] hubArgs)
    {
        Area = area;
        What = what;
        IsHub = hub;
        Method = method;
        Path = path;
        Body = body;
        HubArgs = hubArgs;
    }

    public string Area { get; }
    public string What { get; }
    public string Name => $"{Area}: {What}";
    public bool IsHub { get; }
    public string Method { get; }
    public string Path { get; }
    public object? Body { get; }
    public object?[] HubArgs { get; }
    public IReadOnlyDictionary<Principal, Expectation> Expected => _expected;
    public IReadOnlyList<Func<MatrixContext, Task>> GivenSteps => _given;

    /// <summary>An HTTP call: <paramref name="method"/> <paramref name="path"/> with an optional JSON <paramref name="body"/>.</summary>
    public static MatrixRow Http(string area, string method, string path, object? body = null) =>
        new(area, $"{method} {path}", hub: false, method, path, body, []);

    /// <summary>A hub method of /hubs/room, invoked after JoinRoom (for "JoinRoom" itself, the join is the call). "$yjs-update" is a real Yjs update.</summary>
    public static MatrixRow Hub(string area, string method, params object?[] args) => new(area, $"hub {method}", hub: true, method, "/hubs/room", null, args);

    /// <summary>A step run once before the row's calls (create what the row needs; store ids in the context for placeholders).</summary>
    public MatrixRow Given(Func<MatrixContext, Task> step) { _given.Add(step); return this; }

    public MatrixRow Allows(params Principal[] principals) => Set(new Expectation(true), principals);

    public MatrixRow Denies(int status, params Principal[] principals) => Set(new Expectation(false, Status: status), principals);

    public MatrixRow Denies(string hubCode, params Principal[] principals) => Set(new Expectation(false, HubCode: hubCode), principals);

    /// <summary>Every principal not named yet is denied with <paramref name="status"/>.</summary>
    public MatrixRow DeniesRest(int status) => Set(new Expectation(false, Status: status), Rest());

    /// <summary>Every principal not named yet is denied with the hub error <paramref name="hubCode"/>.</summary>
    public MatrixRow DeniesRest(string hubCode) => Set(new Expectation(false, HubCode: hubCode), Rest());

    private Principal[] Rest() => Enum.GetValues<Principal>().Where(p => !_expected.ContainsKey(p)).ToArray();

    private MatrixRow Set(Expectation e, Principal[] principals)
    {
        foreach (var p in principals)
            if (!_expected.TryAdd(p, e)) throw new InvalidOperationException($"{Name}: {p} is named twice.");
        return this;
    }

    public override string ToString() => Name;
}

/// <summary>Rows, one property per area in its own file (AuthorizationMatrix.&lt;Area&gt;.cs).</summary>
public static partial class AuthorizationMatrixRows
{
    public static IReadOnlyList<MatrixRow> All() =>
        typeof(AuthorizationMatrixRows).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(IEnumerable<MatrixRow>))
            .OrderBy(p => p.Name)
            .SelectMany(p => (IEnumerable<MatrixRow>)p.GetValue(null)!)
            .ToList();
}

/// <summary>
/// One server for the whole matrix: an admin, interviewers A and B, room A (by A) and room B (by B), a run in room A.
/// Rows may add values (their Given steps) that placeholders in paths and bodies use.
/// </summary>
public sealed class MatrixContext : IAsyncLifetime
{
    private readonly Dictionary<string, string> _values = new();
    private ServerProcess _server = null!;

    public string BaseUrl => _server.BaseUrl;
    public ServerProcess Server => _server;
    public TestAccount Admin { get; private set; } = null!;
    public TestAccount InterviewerA { get; private set; } = null!;
    public TestAccount InterviewerB { get; private set; } = null!;
    public Guid RoomA { get; private set; }
    public Guid RoomB { get; private set; }
    public JsonElement TokensA { get; private set; }
    public JsonElement TokensB { get; private set; }

    public string this[string key]
    {
        get { lock (_values) return _values[key]; }
        set { lock (_values) _values[key] = value; }
    }

    public bool Has(string key) { lock (_values) return _values.ContainsKey(key); }

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(Repo.NewDataDirectory(), "--PeerCode:Runs:MaxUnfinishedPerRoom", "100");
        Admin = await TestAccounts.AdminAsync(BaseUrl);
        InterviewerA = await TestAccounts.CreateInterviewerAsync(BaseUrl, Admin, "ivy.a@example.com", "Ivy A");
        InterviewerB = await TestAccounts.CreateInterviewerAsync(BaseUrl, Admin, "ian.b@example.com", "Ian B");
        (RoomA, TokensA, var interviewA) = await ScheduleInterviewAsync(InterviewerA, "Interview A");
        (RoomB, TokensB, var interviewB) = await ScheduleInterviewAsync(InterviewerB, "Interview B");
        this["thisInterview"] = interviewA;
        this["otherInterview"] = interviewB;
        using var runner = RunsTestKit.Client(BaseUrl, TokensA.GetProperty("interviewer").GetString());
        runner.DefaultRequestHeaders.Authorization = new("Bearer", InterviewerA.AccessToken); // the interview's interviewer link needs its signed-in interviewer
        var run = await runner.PostAsJsonAsync($"/api/rooms/{RoomA:N}/runs", new { language = "python" });
        if (!run.IsSuccessStatusCode) throw new InvalidOperationException($"the matrix's run was refused: {await run.Content.ReadAsStringAsync()}");
        this["room"] = RoomA.ToString("N");
        this["otherRoom"] = RoomB.ToString("N");
        this["run"] = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(Guid Room, JsonElement Tokens, string InterviewId)> ScheduleInterviewAsync(TestAccount interviewer, string title)
    {
        using var http = interviewer.Client(BaseUrl);
        var response = await http.PostAsJsonAsync("/api/interviews", new
        {
            title, scheduledFor = DateTimeOffset.UtcNow.AddHours(1), candidateName = "Casey Candidate", candidateEmail = "casey@example.com",
            interviewerIds = new[] { interviewer.AccountId }, language = "python",
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"interview not scheduled: {body}");
        var links = body.GetProperty("links");
        string Token(string role) => links.GetProperty(role).GetString()!.Split('#')[1];
        var tokens = JsonSerializer.SerializeToElement(new { interviewer = Token("interviewer"), candidate = Token("candidate"), observer = Token("observer") });
        return (body.GetProperty("roomId").GetGuid(), tokens, body.GetProperty("interviewId").GetString()!);
    }

    /// <summary>The account bearer token and the room link token a principal calls with.</summary>
    public (string? AccessToken, string? LinkToken) Credentials(Principal p) => p switch
    {
        Principal.Anonymous => (null, null),
        Principal.Admin => (Admin.AccessToken, null),
        Principal.InterviewerOfThis => (InterviewerA.AccessToken, TokensA.GetProperty("interviewer").GetString()),
        Principal.InterviewerOfOther => (InterviewerB.AccessToken, TokensB.GetProperty("interviewer").GetString()),
        Principal.CandidateOfThis => (null, TokensA.GetProperty("candidate").GetString()),
        Principal.CandidateOfOther => (null, TokensB.GetProperty("candidate").GetString()),
        Principal.Observer => (null, TokensA.GetProperty("observer").GetString()),
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    public string Fill(string text, Principal p)
    {
        var result = new StringBuilder(text).Replace("{principal}", p.ToString().ToLowerInvariant());
        lock (_values) foreach (var (key, value) in _values) result.Replace("{" + key + "}", value);
        return result.ToString();
    }
}

public sealed class AuthorizationMatrix(MatrixContext ctx) : IClassFixture<MatrixContext>
{
    public static TheoryData<string> Rows => new(AuthorizationMatrixRows.All().Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_principal_is_allowed_or_denied_exactly_as_the_row_says(string rowName)
    {
        var row = AuthorizationMatrixRows.All().Single(r => r.Name == rowName);
        row.Expected.Keys.Should().BeEquivalentTo(Enum.GetValues<Principal>(), $"the row '{row.Name}' must decide every principal");
        foreach (var step in row.GivenSteps) await step(ctx);

        var outcomes = row.IsHub ? await HubAsync(row) : await HttpAsync(row);
        using (new AssertionScope(row.Name))
            foreach (var (principal, expected) in row.Expected)
                outcomes[principal].Matches(expected).Should().BeTrue($"{principal} should be {expected} but got {outcomes[principal]}");
    }

    private async Task<Dictionary<Principal, Outcome>> HttpAsync(MatrixRow row)
    {
        var outcomes = new Dictionary<Principal, Outcome>();
        foreach (var principal in Enum.GetValues<Principal>())
        {
            var (access, link) = ctx.Credentials(principal);
            using var http = new HttpClient { BaseAddress = new Uri(ctx.BaseUrl) };
            var request = new HttpRequestMessage(new HttpMethod(row.Method), ctx.Fill(row.Path, principal));
            if (row.Body is not null)
                request.Content = new StringContent(ctx.Fill(JsonSerializer.Serialize(row.Body, JsonSerializerOptions.Web), principal), Encoding.UTF8, "application/json");
            if (access is not null) request.Headers.Authorization = new("Bearer", access);
            if (link is not null) request.Headers.Add("X-Room-Token", link);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            outcomes[principal] = new Outcome(response.IsSuccessStatusCode, (int)response.StatusCode, null, text.Length > 300 ? text[..300] : text);
        }
        return outcomes;
    }

    private async Task<Dictionary<Principal, Outcome>> HubAsync(MatrixRow row)
    {
        var cases = Enum.GetValues<Principal>().Select(p =>
        {
            var (access, link) = ctx.Credentials(p);
            var args = row.HubArgs.Select(a => a is string s ? ctx.Fill(s, p) : a).ToArray();
            return new { key = p.ToString(), accessToken = access, roomId = ctx.RoomA.ToString("N"), linkToken = link, method = row.Method, args };
        }).ToList();
        var result = await NodeScript.RunAsync("matrix.mjs", ctx.BaseUrl, new { cases });
        return Enum.GetValues<Principal>().ToDictionary(p => p, p =>
        {
            var r = result.GetProperty(p.ToString());
            return new Outcome(r.GetProperty("ok").GetBoolean(), null, r.GetProperty("code").GetString(), r.GetProperty("message").GetString() ?? "");
        });
    }
}

/// <summary>Runs a script of tests/hub-client as `node script baseUrl json` and parses the JSON line it prints last.</summary>
public static class NodeScript
{
    public static async Task<JsonElement> RunAsync(string script, string baseUrl, object args)
    {
        var dir = System.IO.Path.Combine(Repo.Root, "tests", "hub-client");
        if (!Directory.Exists(System.IO.Path.Combine(dir, "node_modules")))
            throw new InvalidOperationException("Run `npm ci` in tests/hub-client first (scripts/test.sh does).");
        var info = new System.Diagnostics.ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(baseUrl);
        info.ArgumentList.Add(JsonSerializer.Serialize(args, JsonSerializerOptions.Web));
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var line = (await stdout).Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0 || !line.StartsWith('{'))
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {line}\n{await stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
