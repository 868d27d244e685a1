using PeerCode.Application.EventStore;

namespace PeerCode.Application.EventSourcing;

/// <summary>
/// The one load-decide-append helper: folds a stream into state, asks the pure decision for events, and appends them
/// expecting the stream to be exactly where it was read, so a concurrent writer makes the append fail rather than
/// slip a decision past state it never saw.
/// </summary>
public static class StreamDecider
{
    public sealed record Loaded<TState>(TState State, long Revision);

    public static async Task<Loaded<TState>> LoadAsync<TState, TEvent>(
        IEventStore store, string stream, TState initial, Func<TState, TEvent, TState> evolve, Func<RecordedEvent, TEvent?> read,
        CancellationToken ct) where TEvent : class
    {
        var state = initial;
        var revision = -1L;
        const int page = 512;
        while (true)
        {
            var count = 0;
            await foreach (var r in store.ReadStreamAsync(stream, revision + 1, Direction.Forwards, page, ct))
            {
                count++;
                revision = r.Revision;
                if (read(r) is { } e) state = evolve(state, e);
            }
            if (count < page) return new(state, revision);
        }
    }

    /// <summary>Returns the decision and, when it produced events, the append result. Throws <see cref="WrongExpectedRevisionException"/> on a race.</summary>
    public static async Task<(TDecision Decision, AppendResult? Appended)> DecideAsync<TState, TEvent, TDecision>(
        IEventStore store, string stream, TState initial, Func<TState, TEvent, TState> evolve, Func<RecordedEvent, TEvent?> read,
        Func<TState, TDecision> decide, Func<TDecision, IReadOnlyList<EventData>> toAppend, CancellationToken ct) where TEvent : class
    {
        var loaded = await LoadAsync(store, stream, initial, evolve, read, ct);
        var decision = decide(loaded.State);
        var events = toAppend(decision);
        if (events.Count == 0) return (decision, null);
        var expected = loaded.Revision < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(loaded.Revision);
        return (decision, await store.AppendAsync(stream, expected, events, ct));
    }
}
