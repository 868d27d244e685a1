using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.SignalR;

namespace PeerCode.Web.Security;

/// <summary>
/// Rate limits (ASP.NET Core's limiter on HTTP endpoints, <see cref="HubRateLimitFilter"/> on hub methods), security
/// headers, forwarded headers from a trusted proxy and HSTS for HTTPS requests.
/// </summary>
public static class SecurityModule
{
    public const string AuthLimit = "auth";
    public const string RunsLimit = "runs";

    public static IServiceCollection AddPeerCodeSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection("PeerCode:RateLimits"));
        var limits = configuration.GetSection("PeerCode:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(AuthLimit, http => RateLimitPartition.GetFixedWindowLimiter(RateLimitPartitions.IpKey(http), _ => limits.Auth.ToOptions()));
            o.AddPolicy(RunsLimit, http => RateLimitPartition.GetFixedWindowLimiter(RateLimitPartitions.ClientKey(http), _ => limits.Runs.ToOptions()));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : (TimeSpan?)null;
                if (retry is { } r) http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(r.TotalSeconds)).ToString();
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = retry is { } wait
                            ? $"This client sent too many of these requests; try again in {Math.Ceiling(wait.TotalSeconds)} seconds."
                            : "This client sent too many of these requests; wait a moment and try again.",
                        Extensions = { ["code"] = "rate-limited" },
                    },
                });
            };
        });
        services.AddSingleton<HubRateLimitFilter>();
        services.Configure<HubOptions>(o => o.AddFilter<HubRateLimitFilter>());

        // Behind a reverse proxy (deploy/nginx.conf) the client address and scheme come from X-Forwarded-For/-Proto, but only
        // when the proxy is trusted: loopback by default, else PeerCode:ForwardedHeaders:KnownProxies / KnownNetworks.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configuration.GetSection("PeerCode:ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in configuration.GetSection("PeerCode:ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        return services;
    }

    /// <summary>Forwarded headers first (so the scheme and client address are the real ones), then HSTS (HTTPS only) and the headers.</summary>
    public static IApplicationBuilder UsePeerCodeSecurityHeaders(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
        return app;
    }
}
