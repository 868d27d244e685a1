using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Projections.Reports;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Reports;

/// <summary>
/// GET /api/reports: the catalogue; GET /api/reports/{report}?filter=value&amp;page=1&amp;pageSize=50: one page as JSON,
/// or every matching row as CSV with ?format=csv or Accept: text/csv. Reads read models only, never streams.
/// Signed-in interviewers and admins only: the hiring team's figures (the static dashboard pages themselves are public shells).
/// </summary>
public static class ReportsApi
{
    private static readonly HashSet<string> Reserved = ["page", "pageSize", "format"];

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", () => TypedResults.Redirect("/dashboard/index.html")).ExcludeFromDescription();
        var group = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(AccountPolicies.Interviewer);
        group.MapGet("/", () => TypedResults.Ok(ReportCatalog.All.Select(r => new
        {
            name = r.Name, table = r.Table, description = r.Description,
            filters = r.Filters.Select(f => new { name = f.Name, kind = f.Kind.ToString().ToLowerInvariant(), choices = f.Choices }),
        })));
        group.MapGet("/{report}", QueryAsync);
        return app;
    }

    private static async Task<Results<Ok<ReportPage>, EmptyHttpResult, ProblemHttpResult>> QueryAsync(
        string report, HttpContext http, ReportReader reader, CancellationToken ct)
    {
        var query = http.Request.Query;
        var filters = query.Where(q => !Reserved.Contains(q.Key)).ToDictionary(q => q.Key, q => q.Value.ToString());
        var csv = string.Equals(query["format"], "csv", StringComparison.OrdinalIgnoreCase)
                  || http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        try
        {
            if (query.TryGetValue("format", out var format) && !csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
                throw new ReportQueryException($"format must be json or csv; got '{format}'.");
            if (!csv)
                return TypedResults.Ok(await reader.PageAsync(report, filters, Int(query, "page", 1), Int(query, "pageSize", 50), ct));

            ReportCatalog.Find(report); // a bad report name is a 400 before any byte of CSV is sent
            var rows = reader.ExportAsync(report, filters, ct).GetAsyncEnumerator(ct);
            var hasHeader = await rows.MoveNextAsync(); // runs the query: a bad filter is still a 400 here
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{report}.csv\"";
            var line = new StringBuilder();
            while (hasHeader)
            {
                line.Clear();
                for (var i = 0; i < rows.Current.Length; i++)
                {
                    if (i > 0) line.Append(',');
                    line.Append(Csv(rows.Current[i]));
                }
                line.Append("\r\n");
                await http.Response.WriteAsync(line.ToString(), ct);
                hasHeader = await rows.MoveNextAsync();
            }
            await rows.DisposeAsync();
            return TypedResults.Empty;
        }
        catch (ReportQueryException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad report query");
        }
    }

    private static int Int(IQueryCollection q, string name, int fallback)
    {
        var raw = q[name].ToString();
        if (raw.Length == 0) return fallback;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ReportQueryException($"{name} must be a whole number; got '{raw}'.");
    }

    /// <summary>RFC 4180: quote fields holding a comma, quote or line break; double inner quotes.</summary>
    internal static string Csv(object? value)
    {
        var text = value switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
