using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Security;

/// <summary>
/// Rate limits on hub methods, with the same limiter types as HTTP: RequestRun shares the "runs" limit's numbers and
/// SendChat has its own, both per signed-in account, else per client address. A refused call fails with the typed hub
/// error "rate-limited: ..." before the method runs, so nothing is recorded.
/// </summary>
public sealed class HubRateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _runs;
    private readonly PartitionedRateLimiter<string> _chat;

    public HubRateLimitFilter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _runs = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => limits.Runs.ToOptions()));
        _chat = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => limits.Chat.ToOptions()));
    }

    /// <summary>Unlimited methods (every Yjs message among them) go straight on, without a state machine of their own.</summary>
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var limiter = invocation.HubMethodName switch
        {
            "RequestRun" => _runs,
            "SendChat" => _chat,
            _ => null,
        };
        return limiter is null ? next(invocation) : LimitedAsync(limiter, invocation, next);
    }

    private async ValueTask<object?> LimitedAsync(PartitionedRateLimiter<string> limiter, HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using var lease = limiter.AttemptAcquire(Key(invocation.Context));
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? $" Try again in {Math.Ceiling(after.TotalSeconds)} seconds." : " Wait a moment.";
            throw new HubException($"rate-limited: Too many {(limiter == _runs ? "runs" : "chat messages")} from this client.{wait}");
        }
        return await next(invocation);
    }

    private static string Key(HubCallerContext context) =>
        context.User.AccountId() is { } account ? "account:" + account.ToString("N")
        : "ip:" + (context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? context.ConnectionId);

    public void Dispose()
    {
        _runs.Dispose();
        _chat.Dispose();
    }
}
