namespace PeerCode.Application.EventStore;

/// <summary>
/// The event store port. Every adapter (embedded SQLite, EventStoreDB) implements it and passes the
/// shared contract suite in tests/PeerCode.Infrastructure.Tests/EventStore.
/// Revisions are 0-based per stream; global positions are strictly increasing across the store.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends all <paramref name="events"/> atomically. Returns once they are durable.
    /// Re-appending event ids that are already the tail of that stream returns the original result (idempotent).
    /// </summary>
    /// <exception cref="WrongExpectedRevisionException">The stream is not at <paramref name="expected"/>.</exception>
    /// <exception cref="InvalidAppendException">Bad input (stream name, sizes, empty batch); nothing is written.</exception>
    Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default);

    /// <summary>Reads one stream from <paramref name="fromRevision"/> (inclusive; use <see cref="StreamPosition.End"/> to start backwards at the tail).</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string stream, long fromRevision, Direction direction, int maxCount, CancellationToken ct = default);

    /// <summary>Reads the whole store in global order from <paramref name="fromPosition"/> (inclusive; <see cref="StreamPosition.End"/> for the tail).</summary>
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(long fromPosition, Direction direction, int maxCount, EventFilter? filter = null, CancellationToken ct = default);

    /// <summary>
    /// Catch-up subscription to one stream: history after <paramref name="afterRevision"/> (null = from the start),
    /// then one <see cref="SubscriptionMessage.CaughtUp"/>, then live events; never skips or repeats an event.
    /// </summary>
    IAsyncEnumerable<SubscriptionMessage> SubscribeToStreamAsync(string stream, long? afterRevision, CancellationToken ct);

    /// <summary>Catch-up subscription to all events (optionally filtered) after global position <paramref name="afterPosition"/> (null = from the start).</summary>
    IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(long? afterPosition, EventFilter? filter, CancellationToken ct);
}

public enum Direction { Forwards, Backwards }

public static class StreamPosition
{
    public const long Start = 0;
    /// <summary>Start a backwards read at the last event.</summary>
    public const long End = long.MaxValue;
}

public enum ExpectedKind { Any, NoStream, StreamExists, Exact }

/// <summary>What the writer believes the stream's current revision to be.</summary>
public readonly record struct ExpectedRevision(ExpectedKind Kind, long Revision)
{
    public static ExpectedRevision Any => new(ExpectedKind.Any, -1);
    public static ExpectedRevision NoStream => new(ExpectedKind.NoStream, -1);
    public static ExpectedRevision StreamExists => new(ExpectedKind.StreamExists, -1);

    public static ExpectedRevision Exact(long revision) => revision >= 0
        ? new(ExpectedKind.Exact, revision)
        : throw new InvalidAppendException($"An exact expected revision must be 0 or more, got {revision}.");

    public override string ToString() => Kind == ExpectedKind.Exact ? Revision.ToString() : Kind.ToString();
}

/// <summary>Who and what caused an event. Every field is optional; <see cref="NodeId"/> names the server process that appended it.</summary>
public sealed record EventMetadata(
    Guid? CorrelationId = null,
    Guid? CausationId = null,
    string? UserId = null,
    DateTimeOffset? ClientTime = null,
    string? NodeId = null)
{
    public static readonly EventMetadata Empty = new();
}

/// <summary>An event to append: <paramref name="Type"/> is its stable wire name (e.g. room.document-updated.v1), <paramref name="Data"/> its JSON bytes.</summary>
public sealed record EventData(Guid EventId, string Type, ReadOnlyMemory<byte> Data, EventMetadata Metadata);

/// <summary>A stored event, as read back.</summary>
public sealed record RecordedEvent(
    Guid EventId,
    string Stream,
    long Revision,
    long GlobalPosition,
    string Type,
    ReadOnlyMemory<byte> Data,
    EventMetadata Metadata,
    DateTimeOffset RecordedAt);

/// <summary><paramref name="NextExpectedRevision"/> is the revision of the last event written (what to pass as Exact next time).</summary>
public readonly record struct AppendResult(long NextExpectedRevision, long GlobalPosition);

/// <summary>Filters ReadAll and SubscribeToAll: any of the stream prefixes and/or any of the event types (both when both are given).</summary>
public sealed record EventFilter(IReadOnlyList<string>? StreamPrefixes = null, IReadOnlyList<string>? EventTypes = null)
{
    public static EventFilter StreamPrefix(params string[] prefixes) => new(prefixes, null);
    public static EventFilter Types(params string[] types) => new(null, types);

    public bool Matches(string stream, string type) =>
        (StreamPrefixes is not { Count: > 0 } || StreamPrefixes.Any(p => stream.StartsWith(p, StringComparison.Ordinal)))
        && (EventTypes is not { Count: > 0 } || EventTypes.Contains(type));
}

public abstract record SubscriptionMessage
{
    private SubscriptionMessage() { }

    public sealed record Event(RecordedEvent Recorded) : SubscriptionMessage;

    /// <summary>History is delivered; what follows is live. <paramref name="Position"/> is the last position seen (revision for stream subscriptions).</summary>
    public sealed record CaughtUp(long? Position) : SubscriptionMessage;
}
