using PeerCode.Infrastructure.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using PeerCode.Infrastructure.Runs;
using PeerCode.Projections.Hosting;
using PeerCode.Projections.Reports;
using PeerCode.Web.Accounts;
using PeerCode.Web.Admin;
using PeerCode.Web.Reports;
using PeerCode.Web.Health;
using PeerCode.Web.Interviews;
using PeerCode.Web.Notes;
using PeerCode.Web.Questions;
using PeerCode.Web.Replay;
using PeerCode.Web.Rooms;
using PeerCode.Web.Runs;
using PeerCode.Web.Security;

namespace PeerCode.Web;

/// <summary>Composes the web host: services, middleware and every feature's endpoints.</summary>
public static class WebApp
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(builder.Configuration["PeerCode:Url"] ?? DefaultUrl);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        // Request lines ("Request starting ... ?access_token=...") would put SignalR access tokens and replay link tokens
        // (?token=) into the log, so the hosting diagnostics stay at Warning whatever Logging:LogLevel says (docs/operations.md).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks();
        // EventStore:ConnectionString (esdb://...) selects EventStoreDB; otherwise the embedded SQLite store.
        if (!builder.Services.AddEventStoreDbIfConfigured(builder.Configuration))
            builder.Services.AddPeerCodeEventStore(builder.Configuration);
        builder.Services.AddPeerCodeProjections(builder.Configuration);
        builder.Services.AddSingleton<ReportReader>();
        builder.Services.AddPeerCodeRooms(builder.Configuration);
        builder.Services.AddRunSandbox(builder.Configuration["PeerCode:SandboxRoot"] ?? Path.Combine(Path.GetTempPath(), "peercode-sandbox"));
        builder.Services.AddSingleton<PeerCode.Application.Replay.RoomReplay>();
        builder.Services.AddPeerCodeRuns(builder.Configuration);
        builder.Services.AddPeerCodeAccounts(builder.Configuration);
        builder.Services.AddPeerCodeInterviews(builder.Configuration);
        builder.Services.AddPeerCodeSecurity(builder.Configuration);
        builder.Services.AddPeerCodeQuestions();

        var app = builder.Build();
        app.UsePeerCodeSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UsePeerCodeAccounts();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthApi();
        app.MapAccountsApi();
        app.MapInterviewsApi();
        app.MapRuns();
        app.UseStaticFiles();
        app.MapReportsApi();
        app.MapProjectionsAdminApi();
        app.MapRooms();
        app.MapQuestions();
        app.MapReplayApi();
        app.MapNotesApi();
        // The browser app (built by ClientApp into wwwroot/app): the lobby at / and a room at /r/{id}.
        app.MapFallbackToFile("app/index.html");
        return app;
    }
}
