using System.Net.Http.Json;
using System.Text.Json;

namespace PeerCode.Web.Tests.Security;

using static Principal;

/// <summary>
/// /api/interviews: signed-in interviewers and admins only (candidates and observers have no account: 401), and for one
/// interview its interviewers and admins only (403 for an interviewer of another). The interviews a row acts on are
/// scheduled by interviewer A (its only interviewer); a status change gets a fresh interview per principal
/// ("{start-{principal}}"), so the first allowed caller's change does not turn the next one's into a 409.
/// </summary>
public static partial class AuthorizationMatrixRows
{
    private static readonly object NewInterview = new
    {
        title = "Interview by {principal}", candidateName = "Cleo", candidateEmail = "cleo@example.com", language = "python",
    };

    public static IEnumerable<MatrixRow> Interviews =>
    [
        MatrixRow.Http("interviews", "POST", "/api/interviews", NewInterview).Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("interviews", "GET", "/api/interviews").Allows(Admin, InterviewerOfThis, InterviewerOfOther).DeniesRest(401),
        OfThis("GET", "/api/interviews/{interview}"),
        OfThis("GET", "/api/interviews/{interview}/scorecards"),
        OfThis("POST", "/api/interviews/{interview}/links/observer/revoke"),
        OfThis("POST", "/api/interviews/{interview}/links/candidate/reissue", new { }),
        OfThis("POST", "/api/interviews/{start-{principal}}/start").Given(ctx => PerPrincipalAsync(ctx, "start", start: false, end: false)),
        OfThis("POST", "/api/interviews/{end-{principal}}/end").Given(ctx => PerPrincipalAsync(ctx, "end", start: true, end: false)),
        OfThis("POST", "/api/interviews/{cancel-{principal}}/cancel", new { reason = "matrix" }).Given(ctx => PerPrincipalAsync(ctx, "cancel", start: false, end: false)),
        // Only an assigned interviewer has a scorecard: the admin may read them all but writes none of its own.
        MatrixRow.Http("interviews", "PUT", "/api/interviews/{ended}/scorecard",
                new { ratings = new[] { new { competency = "Coding", rating = 3 } }, recommendation = "yes", text = "by {principal}" })
            .Given(EndedAsync).Allows(InterviewerOfThis).Denies(403, Admin, InterviewerOfOther).DeniesRest(401),
        MatrixRow.Http("interviews", "GET", "/api/interviews/{ended}/scorecard")
            .Given(EndedAsync).Allows(InterviewerOfThis).Denies(404, Admin).Denies(403, InterviewerOfOther).DeniesRest(401),
    ];

    private static MatrixRow OfThis(string method, string path, object? body = null) =>
        MatrixRow.Http("interviews", method, path, body).Given(InterviewAsync)
            .Allows(Admin, InterviewerOfThis).Denies(403, InterviewerOfOther).DeniesRest(401);

    private static async Task InterviewAsync(MatrixContext ctx)
    {
        if (!ctx.Has("interview")) ctx["interview"] = await ScheduleAsync(ctx, start: false, end: false);
    }

    /// <summary>An ended interview of A's with A's scorecard in it.</summary>
    private static async Task EndedAsync(MatrixContext ctx)
    {
        if (ctx.Has("ended")) return;
        var id = await ScheduleAsync(ctx, start: true, end: true);
        using var http = ctx.InterviewerA.Client(ctx.BaseUrl);
        (await http.PutAsJsonAsync($"/api/interviews/{id}/scorecard",
            new { ratings = new[] { new { competency = "Coding", rating = 4 } }, recommendation = "strong-yes", text = "matrix" })).EnsureSuccessStatusCode();
        ctx["ended"] = id;
    }

    private static async Task PerPrincipalAsync(MatrixContext ctx, string key, bool start, bool end)
    {
        foreach (var p in Enum.GetValues<Principal>()) ctx[$"{key}-{p.ToString().ToLowerInvariant()}"] = await ScheduleAsync(ctx, start, end);
    }

    private static async Task<string> ScheduleAsync(MatrixContext ctx, bool start, bool end)
    {
        using var http = ctx.InterviewerA.Client(ctx.BaseUrl);
        var response = await http.PostAsJsonAsync("/api/interviews", new
        {
            title = "Matrix interview", candidateName = "Cleo", candidateEmail = "cleo@example.com", language = "python",
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"interview not scheduled: {body}");
        var id = body.GetProperty("interviewId").GetString()!;
        if (start) (await http.PostAsync($"/api/interviews/{id}/start", null)).EnsureSuccessStatusCode();
        if (end) (await http.PostAsync($"/api/interviews/{id}/end", null)).EnsureSuccessStatusCode();
        return id;
    }
}
