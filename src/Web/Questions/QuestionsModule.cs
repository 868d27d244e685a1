using PeerCode.Application.Questions;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Infrastructure.Runs.Languages;
using PeerCode.Projections.Questions;

namespace PeerCode.Web.Questions;

/// <summary>The question bank's language ids: the runs catalogue's (every catalogued language, whether or not this node can run it).</summary>
public sealed record QuestionLanguages(IReadOnlySet<string> Ids);

public static class QuestionsModule
{
    public static IServiceCollection AddPeerCodeQuestions(this IServiceCollection services)
    {
        services.AddSingleton(new QuestionLanguages(LanguageCatalogue.LoadDefinitions().Select(d => d.Id).ToHashSet(StringComparer.Ordinal)));
        services.AddSingleton<QuestionStore>();
        services.AddSingleton<QuestionBankReader>();
        services.AddSingleton<RoomQuestions>();
        return services;
    }

    public static IEndpointRouteBuilder MapQuestions(this IEndpointRouteBuilder app)
    {
        app.MapQuestionsApi();
        return app;
    }
}
