using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Runner;

public enum RunnerState { Starting, CatchingUp, Live, Failed, Stopped }

/// <summary>
/// Runs one projection: a catch-up subscription to all events after its stored checkpoint, read into batches
/// (as many as are waiting, up to the batch size), each committed with the checkpoint in one transaction.
/// When idle it re-reads its checkpoint once a second, so a rebuild started by another process is noticed.
/// </summary>
public sealed class ProjectionRunner(
    Projection projection, IEventStore events, IReadModelStore store, ProjectionOptions options, ILogger logger)
{
    private CancellationTokenSource? _cycle;

    public Projection Projection { get; } = projection;
    public RunnerState State { get; private set; } = RunnerState.Stopped;
    public string? LastError { get; private set; }
    public Checkpoint? Checkpoint { get; private set; }

    /// <summary>How long this runner, once live, lets events gather before a batch (the longer of the two settings).</summary>
    public TimeSpan LiveBatchDelay => options.LiveBatchDelay > Projection.MinimumLiveBatchDelay ? options.LiveBatchDelay : Projection.MinimumLiveBatchDelay;

    /// <summary>Abandons the current subscription and starts again from the stored checkpoint (after a rebuild reset it).</summary>
    public void Restart()
    {
        try { _cycle?.Cancel(); }
        catch (ObjectDisposedException) { /* the cycle already ended; the next one reads the new checkpoint anyway */ }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var backoff = options.RetryDelay;
        State = RunnerState.Starting;
        while (!stop.IsCancellationRequested)
        {
            using var cycle = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _cycle = cycle;
            try
            {
                Checkpoint = await Checkpoints.LoadAsync(store, Projection.Name, stop);
                State = RunnerState.CatchingUp;
                await PumpAsync(cycle.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                logger.LogInformation("Projection {Projection} restarts from its stored checkpoint", Projection.Name);
            }
            catch (CheckpointMovedException e)
            {
                logger.LogInformation("{Message}", e.Message);
            }
            catch (Exception e)
            {
                State = RunnerState.Failed;
                LastError = e.Message;
                logger.LogError(e, "Projection {Projection} failed at position {Position}; retrying in {Delay}", Projection.Name, Checkpoint?.Position, backoff);
                try { await Task.Delay(backoff, stop); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxRetryDelay.Ticks));
                continue;
            }
            backoff = options.RetryDelay;
        }
        State = RunnerState.Stopped;
    }

    /// <summary>
    /// Pulls the subscription itself rather than through a reader task: once live, after the first new event it waits
    /// <see cref="LiveBatchDelay"/> without pulling, so the store does not wake this runner for every commit (seven
    /// subscriptions woken per commit were most of the pool's wake-ups at interview-like rates), then takes everything
    /// that is ready in one batch.
    /// </summary>
    private async Task PumpAsync(CancellationToken ct)
    {
        var checkpoint = Checkpoint!;
        using var subscriptionStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var filter = EventFilter.Types([.. Projection.EventTypes]);
        var subscription = events.SubscribeToAllAsync(checkpoint.AfterPosition, filter, subscriptionStop.Token).GetAsyncEnumerator(subscriptionStop.Token);
        Task<bool>? pending = null; // a pull still in flight (never two at once)
        try
        {
            var batch = new List<RecordedEvent>(options.BatchSize);
            var caughtUp = false;
            void Take(SubscriptionMessage message)
            {
                if (message is SubscriptionMessage.Event e) batch.Add(e.Recorded);
                else caughtUp = true; // history is done, what follows is live
            }
            while (true)
            {
                var next = pending ?? subscription.MoveNextAsync().AsTask();
                pending = next; // until it has completed: the finally must not dispose the subscription under it
                if (!next.IsCompleted)
                {
                    if (!await ArrivesWithinAsync(next, ct))
                    {
                        var stored = await Checkpoints.LoadAsync(store, Projection.Name, ct);
                        if (stored.Generation != checkpoint.Generation || stored.Position != checkpoint.Position)
                            throw new CheckpointMovedException(Projection.Name);
                        continue;
                    }
                    // Live, events trickle in one commit at a time: let them gather so one transaction holds many (at
                    // 1,500 edits/s a transaction per arrival kept the process's two cores busy away from the hub).
                    if (caughtUp && LiveBatchDelay > TimeSpan.Zero) await Task.Delay(LiveBatchDelay, ct);
                }
                pending = null;
                if (!await next) throw new InvalidOperationException("The event store ended a subscription that should run until cancelled.");
                Take(subscription.Current);
                var drained = false;
                while (batch.Count < options.BatchSize)
                {
                    var more = subscription.MoveNextAsync();
                    if (!more.IsCompleted)
                    {
                        pending = more.AsTask();
                        drained = true;
                        break;
                    }
                    if (!more.Result) throw new InvalidOperationException("The event store ended a subscription that should run until cancelled.");
                    Take(subscription.Current);
                }
                if (batch.Count > 0)
                {
                    checkpoint = await Checkpoints.CommitBatchAsync(store, Projection, checkpoint, batch, ct);
                    Checkpoint = checkpoint;
                    batch.Clear();
                }
                State = caughtUp && drained ? RunnerState.Live : RunnerState.CatchingUp;
                LastError = null;
            }
        }
        finally
        {
            await subscriptionStop.CancelAsync();
            if (pending is not null)
            {
                try { await pending; }
                catch (Exception) when (subscriptionStop.IsCancellationRequested) { /* the pull we just cancelled */ }
            }
            await subscription.DisposeAsync();
        }
    }

    /// <summary>True when <paramref name="next"/> completes within a quiet <see cref="ProjectionOptions.IdleCheckInterval"/>.</summary>
    private async Task<bool> ArrivesWithinAsync(Task<bool> next, CancellationToken ct)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var idle = Task.Delay(options.IdleCheckInterval, quiet.Token);
        var first = await Task.WhenAny(next, idle);
        await quiet.CancelAsync();
        ct.ThrowIfCancellationRequested();
        return first == next;
    }
}

public sealed class ProjectionOptions
{
    /// <summary>Most events written in one transaction.</summary>
    public int BatchSize { get; set; } = 2000;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a live runner lets events gather before writing them (read models lag by about this much).</summary>
    public TimeSpan LiveBatchDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How often an idle runner checks that nobody moved its checkpoint.</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
