using PeerCode.Infrastructure.Runs;

namespace PeerCode.Web.Runs;

public static class LanguagesApi
{
    /// <summary>GET /api/languages: the languages this node can run, with their versions; the editor offers exactly these.</summary>
    public static IEndpointRouteBuilder MapLanguagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/languages", (RunsNode node) => TypedResults.Ok(new LanguagesResponse(
            node.Languages.Select(l => new LanguageDto(l.Definition.Id, l.Definition.Name, l.Definition.EditorLanguage, l.Version)).ToList(),
            new SandboxDto(
                Available: node.Sandbox is not null,
                Unavailable: node.SandboxUnavailable,
                Cgroups: node.Sandbox?.Cgroups is not null,
                CgroupFallback: node.Sandbox?.CgroupFallbackReason),
            node.Catalogue.Missing.Select(m => new MissingLanguageDto(m.Definition.Id, m.Reason)).ToList())))
            .WithName("ListLanguages");
        return app;
    }

    public sealed record LanguagesResponse(IReadOnlyList<LanguageDto> Languages, SandboxDto Sandbox, IReadOnlyList<MissingLanguageDto> Missing);

    public sealed record LanguageDto(string Id, string Name, string EditorLanguage, string Version);

    /// <param name="CgroupFallback">Why memory and process limits fall back to rlimits only (no cgroups), or null.</param>
    public sealed record SandboxDto(bool Available, string? Unavailable, bool Cgroups, string? CgroupFallback);

    public sealed record MissingLanguageDto(string Id, string Reason);
}
