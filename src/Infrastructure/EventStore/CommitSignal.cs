namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// Wakes subscriptions when new events may be visible. A waiter takes <see cref="Next"/> BEFORE it reads,
/// so a commit that lands after its read snapshot always completes the task it then awaits.
/// </summary>
internal sealed class CommitSignal
{
    private TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Raise() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
