using System.Text.Json;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>Checks an append before it reaches storage, so bad input fails alone with a clear message and writes nothing.</summary>
internal static class AppendValidator
{
    public const int MaxTypeLength = 200;
    public const int MaxMetadataStringLength = 256;

    /// <returns>The total payload bytes of the batch.</returns>
    public static long Validate(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, EventStoreOptions options)
    {
        ValidateStreamName(stream, options);
        switch (expected.Kind)
        {
            case ExpectedKind.Any or ExpectedKind.NoStream or ExpectedKind.StreamExists:
                break;
            case ExpectedKind.Exact when expected.Revision < 0:
                throw new InvalidAppendException($"An exact expected revision must be 0 or more, got {expected.Revision}.");
            case ExpectedKind.Exact:
                break;
            default:
                throw new InvalidAppendException($"Unknown expected revision kind {(int)expected.Kind}; use Any, NoStream, StreamExists or Exact.");
        }
        if (events is null || events.Count == 0)
            throw new InvalidAppendException($"An append to '{stream}' must contain at least one event.");

        long bytes = 0;
        HashSet<Guid>? seen = events.Count > 1 ? new HashSet<Guid>(events.Count) : null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new InvalidAppendException($"Event #{i} of the append to '{stream}' is null.");
            if (e.EventId == Guid.Empty)
                throw new InvalidAppendException($"Event #{i} of the append to '{stream}' has an empty event id.");
            if (seen is not null && !seen.Add(e.EventId))
                throw new InvalidAppendException($"Event id {e.EventId} appears twice in one append to '{stream}'.");
            ValidateType(e.Type, i, stream);
            if (e.Data.Length > options.MaxEventBytes)
                throw new InvalidAppendException(
                    $"Event #{i} ({e.Type}) of the append to '{stream}' is {e.Data.Length} bytes; the limit is {options.MaxEventBytes} bytes (EventStore:MaxEventBytes).");
            if (!IsJson(e.Data.Span))
                throw new InvalidAppendException($"Event #{i} ({e.Type}) of the append to '{stream}': data is not one well-formed UTF-8 JSON value.");
            var m = e.Metadata ?? throw new InvalidAppendException($"Event #{i} of the append to '{stream}' has null metadata; use EventMetadata.Empty.");
            if (m.UserId is { Length: > MaxMetadataStringLength } || m.NodeId is { Length: > MaxMetadataStringLength })
                throw new InvalidAppendException($"Event #{i} of the append to '{stream}': user id and node id are limited to {MaxMetadataStringLength} characters.");
            bytes += e.Data.Length;
        }
        return bytes;
    }

    public static void ValidateStreamName(string stream, EventStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(stream))
            throw new InvalidAppendException("A stream name must not be empty or blank.");
        if (stream.Length > options.MaxStreamNameLength)
            throw new InvalidAppendException(
                $"Stream name '{stream[..Math.Min(20, stream.Length)]}...' is {stream.Length} characters; the limit is {options.MaxStreamNameLength} (EventStore:MaxStreamNameLength).");
        foreach (var c in stream)
            if (char.IsControl(c))
                throw new InvalidAppendException($"Stream name '{stream}' contains a control character (U+{(int)c:X4}).");
    }

    private static void ValidateType(string type, int index, string stream)
    {
        if (string.IsNullOrEmpty(type))
            throw new InvalidAppendException($"Event #{index} of the append to '{stream}' has no type name.");
        if (type.Length > MaxTypeLength)
            throw new InvalidAppendException($"Event #{index} of the append to '{stream}' has a type name over {MaxTypeLength} characters.");
        foreach (var c in type)
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new InvalidAppendException($"Event type '{type}' (event #{index} of the append to '{stream}') contains whitespace or a control character.");
    }

    private static bool IsJson(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return false;
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
            }
            return reader.BytesConsumed == data.Length || IsTrailingWhitespace(data[(int)reader.BytesConsumed..]);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsTrailingWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return false;
        return true;
    }
}
