namespace PeerCode.Application.EventStore;

/// <summary>Base of every error the event store port raises.</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The stream was not where the writer expected. <see cref="ActualRevision"/> is -1 when the stream does not exist.</summary>
public sealed class WrongExpectedRevisionException(string stream, ExpectedRevision expected, long actualRevision)
    : EventStoreException($"Stream '{stream}' was expected at {expected} but is at {(actualRevision < 0 ? "no stream" : actualRevision.ToString())}.")
{
    public string Stream { get; } = stream;
    public ExpectedRevision Expected { get; } = expected;
    public long ActualRevision { get; } = actualRevision;
}

/// <summary>Bad input to an append (empty or over-long stream name, empty batch, an event over the size limit, a bad type name). Nothing was written.</summary>
public sealed class InvalidAppendException(string message) : EventStoreException(message);

public sealed class StreamDeletedException(string stream) : EventStoreException($"Stream '{stream}' has been deleted.")
{
    public string Stream { get; } = stream;
}

public sealed class AccessDeniedException(string message) : EventStoreException(message);

/// <summary>The store cannot be reached or failed to make the write durable; the caller may retry with the same event ids.</summary>
public sealed class EventStoreUnavailableException(string message, Exception? inner = null) : EventStoreException(message, inner);
