using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PeerCode.Web.Security;

/// <summary>Rate limits (ASP.NET Core's limiter for HTTP and hub methods) and security headers.</summary>
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
        return services;
    }
}
