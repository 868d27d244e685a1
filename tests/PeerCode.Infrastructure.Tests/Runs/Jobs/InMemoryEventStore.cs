using System.Runtime.CompilerServices;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

/// <summary>
/// Just enough of the event store port for the run lifecycle tests: appends with expected-revision checks and
/// forward stream reads. The real adapters and their contract suite live with the event store; the members these
/// tests do not use say so instead of pretending.
/// </summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new();
    private long _position = -1;

    public int Appends { get; private set; }

    public Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var list = _streams.GetValueOrDefault(stream);
            var actual = list is null ? -1 : list.Count - 1;
            var ok = expected.Kind switch
            {
                ExpectedKind.Any => true,
                ExpectedKind.NoStream => list is null,
                ExpectedKind.StreamExists => list is not null,
                _ => actual == expected.Revision,
            };
            if (!ok) throw new WrongExpectedRevisionException(stream, expected, actual);
            if (list is null) _streams[stream] = list = [];
            foreach (var e in events)
                list.Add(new RecordedEvent(e.EventId, stream, list.Count, ++_position, e.Type, e.Data.ToArray(), e.Metadata, DateTimeOffset.UtcNow));
            Appends++;
            return Task.FromResult(new AppendResult(list.Count - 1, _position));
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string stream, long fromRevision, Direction direction, int maxCount, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (direction != Direction.Forwards) throw new NotSupportedException("the run lifecycle reads forwards only");
        List<RecordedEvent> copy;
        lock (_gate) copy = _streams.TryGetValue(stream, out var l) ? l.Skip((int)Math.Min(fromRevision, int.MaxValue)).Take(maxCount).ToList() : [];
        foreach (var e in copy)
        {
            await Task.Yield();
            yield return e;
        }
    }

    public IReadOnlyList<RecordedEvent> Stream(string stream)
    {
        lock (_gate) return _streams.TryGetValue(stream, out var l) ? l.ToList() : [];
    }

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(long fromPosition, Direction direction, int maxCount, EventFilter? filter = null, CancellationToken ct = default) =>
        throw new NotSupportedException("not used by the run lifecycle");

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToStreamAsync(string stream, long? afterRevision, CancellationToken ct) =>
        throw new NotSupportedException("not used by the run lifecycle");

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(long? afterPosition, EventFilter? filter, CancellationToken ct) =>
        throw new NotSupportedException("not used by the run lifecycle");
}
