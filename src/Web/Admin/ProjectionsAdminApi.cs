using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Projections.Runner;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Admin;

/// <summary>
/// GET /api/admin/projections: position, lag, rebuild progress and runner state per projection.
/// POST /api/admin/projections/rebuild {"projections":["runs"]} (empty or absent: all): drop and replay while live traffic continues.
/// Admins only: a rebuild costs the whole store's read, and the status names every projection.
/// </summary>
public static class ProjectionsAdminApi
{
    public sealed record RebuildRequest(IReadOnlyList<string>? Projections);

    public static IEndpointRouteBuilder MapProjectionsAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/projections").WithTags("Admin").RequireAuthorization(AccountPolicies.Admin);
        group.MapGet("/", async (ProjectionEngine engine, CancellationToken ct) => TypedResults.Ok(await engine.StatusAsync(ct)));
        group.MapPost("/rebuild", RebuildAsync);
        return app;
    }

    private static async Task<Results<Accepted<object>, ProblemHttpResult>> RebuildAsync(
        RebuildRequest? request, ProjectionEngine engine, CancellationToken ct)
    {
        try
        {
            var names = await engine.RebuildAsync(request?.Projections, ct);
            return TypedResults.Accepted("/api/admin/projections", (object)new { rebuilding = names });
        }
        catch (UnknownProjectionException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Unknown projection");
        }
    }
}
