using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>Runs a subscription in the background and records every message, optionally pausing after each (a slow consumer).</summary>
public sealed class SubscriptionCollector : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(SubscriptionMessage Message, DateTimeOffset ReceivedAt)> _messages = [];
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SubscriptionCollector(Func<CancellationToken, IAsyncEnumerable<SubscriptionMessage>> subscribe, Func<Task>? afterEach = null)
    {
        _pump = Task.Run(async () =>
        {
            await foreach (var message in subscribe(_stop.Token))
            {
                lock (_messages) _messages.Add((message, DateTimeOffset.UtcNow));
                Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                if (afterEach is not null) await afterEach();
            }
        });
    }

    public List<SubscriptionMessage> Snapshot()
    {
        lock (_messages) return _messages.Select(m => m.Message).ToList();
    }

    /// <summary>Every message so far with the wall-clock time this consumer received it.</summary>
    public List<(SubscriptionMessage Message, DateTimeOffset ReceivedAt)> SnapshotWithTimes()
    {
        lock (_messages) return [.. _messages];
    }

    /// <summary>Waits until <paramref name="done"/> holds for the messages so far; fails the test on timeout or if the subscription died.</summary>
    public async Task<List<SubscriptionMessage>> WaitForAsync(Func<List<SubscriptionMessage>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var messages = Snapshot();
            if (done(messages)) return messages;
            if (_pump.IsFaulted) await _pump;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"The subscription did not reach the expected state within {timeout}; it delivered {messages.Count} messages.");
            await Task.WhenAny(changed, _pump, Task.Delay(left));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // the subscription ends by cancellation: that is how a consumer stops it
        }
        _stop.Dispose();
    }
}
