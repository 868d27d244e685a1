using PeerCode.Application.Interviews;

namespace PeerCode.Web.Interviews;

public static class InterviewsModule
{
    /// <summary>The interview use cases; PeerCode:Interviews:LinkLifetime (a TimeSpan, default 1.00:00:00) sets the links' default expiry.</summary>
    public static IServiceCollection AddPeerCodeInterviews(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("PeerCode:Interviews").Get<InterviewSettings>() ?? new InterviewSettings();
        if (settings.LinkLifetime <= TimeSpan.Zero)
            throw new InvalidOperationException($"PeerCode:Interviews:LinkLifetime must be a positive TimeSpan such as 1.00:00:00; got {settings.LinkLifetime}.");
        services.AddSingleton(settings);
        services.AddSingleton<ScheduleInterviewHandler>();
        services.AddSingleton<ChangeInterviewStatusHandler>();
        services.AddSingleton<InterviewLinksHandler>();
        services.AddSingleton<SubmitScorecardHandler>();
        services.AddSingleton<InterviewDirectory>();
        return services;
    }
}
