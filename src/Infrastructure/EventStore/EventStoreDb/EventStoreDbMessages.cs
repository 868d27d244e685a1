using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;
using ReadOptions = PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams.ReadReq.Types.Options;
using WireRecordedEvent = PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams.ReadResp.Types.ReadEvent.Types.RecordedEvent;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>
/// A position in $all as EventStoreDB keeps it. The port's <c>GlobalPosition</c> is the commit position:
/// since 20.x every event appended over gRPC is its own commit, so commit == prepare for each event (the golden
/// recording shows 733/733, 901/901 and 1035/1035 for three events of two appends). Commit positions are therefore
/// unique and strictly increasing, as the port requires. Only events written by the legacy TCP API inside an explicit
/// transaction share one commit position; PeerCode never writes those.
/// </summary>
internal readonly record struct AllPosition(ulong Commit, ulong Prepare)
{
    /// <summary>The port hands us commit positions only; prepare == commit is exact for every gRPC-written event (see above).</summary>
    public static AllPosition FromGlobal(long position) => new((ulong)position, (ulong)position);

    public ReadOptions.Types.Position ToReadOption() => new() { CommitPosition = Commit, PreparePosition = Prepare };
}

/// <summary>The pure half of the adapter: port values to protobuf requests and protobuf responses to port values.</summary>
internal static class EventStoreDbMessages
{
    public const string JsonContentType = "application/json";
    public const string BinaryContentType = "application/octet-stream";

    /// <summary>Server-side filter that keeps user events only: EventStoreDB's own records ($metadata, $statistics-..., link events $>) have types starting with '$'.</summary>
    public const string ExcludeSystemEventsRegex = @"^[^\$].*";

    /// <summary>Search window of filtered reads and subscriptions, and checkpoint every window (EventStoreDB clients' defaults; recorded in the golden read-all request).</summary>
    public const uint FilterWindow = 32;
    public const uint CheckpointIntervalMultiplier = 1;

    // ---- ids ----

    public static UUID ToUuid(Guid id, UuidWireFormat format)
    {
        if (format == UuidWireFormat.String) return new UUID { String = id.ToString("D") };
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return new UUID
        {
            Structured = new UUID.Types.Structured
            {
                MostSignificantBits = BinaryPrimitives.ReadInt64BigEndian(bytes[..8]),
                LeastSignificantBits = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]),
            },
        };
    }

    public static Guid FromUuid(UUID? uuid)
    {
        switch (uuid?.ValueCase)
        {
            case UUID.ValueOneofCase.Structured:
                Span<byte> bytes = stackalloc byte[16];
                BinaryPrimitives.WriteInt64BigEndian(bytes[..8], uuid.Structured.MostSignificantBits);
                BinaryPrimitives.WriteInt64BigEndian(bytes[8..], uuid.Structured.LeastSignificantBits);
                return new Guid(bytes, bigEndian: true);
            case UUID.ValueOneofCase.String when Guid.TryParse(uuid.String, out var parsed):
                return parsed;
            default:
                throw new EventStoreUnavailableException($"EventStoreDB sent an event id that is not a UUID ({uuid}); the server or protocol version is not supported.");
        }
    }

    public static StreamIdentifier ToStreamIdentifier(string stream) => new() { StreamName = ByteString.CopyFromUtf8(stream) };

    // ---- append ----

    public static AppendReq AppendOptions(string stream, ExpectedRevision expected)
    {
        var options = new AppendReq.Types.Options { StreamIdentifier = ToStreamIdentifier(stream) };
        switch (expected.Kind)
        {
            case ExpectedKind.Any: options.Any = new Empty(); break;
            case ExpectedKind.NoStream: options.NoStream = new Empty(); break;
            case ExpectedKind.StreamExists: options.StreamExists = new Empty(); break;
            case ExpectedKind.Exact: options.Revision = (ulong)expected.Revision; break;
            default: throw new InvalidAppendException($"Unknown expected revision kind {expected.Kind}.");
        }
        return new AppendReq { Options = options };
    }

    /// <param name="contentType">The port's data is JSON (the adapter validates it); EventStoreDB marks an event as JSON, for its
    /// own projections, from this. The recorded binary event shows the other value.</param>
    public static AppendReq ProposedMessage(EventData e, UuidWireFormat format, string contentType = JsonContentType)
    {
        var message = new AppendReq.Types.ProposedMessage
        {
            Id = ToUuid(e.EventId, format),
            CustomMetadata = WriteMetadata(e.Metadata),
            Data = ByteString.CopyFrom(e.Data.Span),
        };
        // Order as the server's own clients send it (and as recorded): type, then content-type.
        message.Metadata.Add("type", e.Type);
        message.Metadata.Add("content-type", contentType);
        return new AppendReq { ProposedMessage = message };
    }

    /// <summary>The whole client-streamed Append call: options first, then one message per event.</summary>
    public static IReadOnlyList<AppendReq> Append(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, UuidWireFormat format,
        string contentType = JsonContentType)
    {
        var requests = new AppendReq[events.Count + 1];
        requests[0] = AppendOptions(stream, expected);
        for (var i = 0; i < events.Count; i++) requests[i + 1] = ProposedMessage(events[i], format, contentType);
        return requests;
    }

    public static AppendResult ToAppendResult(AppendResp response, string stream, ExpectedRevision expected)
    {
        switch (response.ResultCase)
        {
            case AppendResp.ResultOneofCase.Success:
                var success = response.Success;
                var revision = success.CurrentRevisionOptionCase == AppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision
                    ? (long)success.CurrentRevision
                    : -1;
                var position = success.PositionOptionCase == AppendResp.Types.Success.PositionOptionOneofCase.Position
                    ? (long)success.Position.CommitPosition
                    : -1;
                return new AppendResult(revision, position);
            case AppendResp.ResultOneofCase.WrongExpectedVersion:
                throw WrongExpected(stream, expected, ActualRevision(response.WrongExpectedVersion));
            default:
                throw new EventStoreUnavailableException($"EventStoreDB answered the append to '{stream}' with neither success nor wrong-expected-version.");
        }
    }

    /// <summary>
    /// With expectation Any the only way EventStoreDB refuses an append as "wrong expected version" is an idempotency
    /// check gone wrong: some of the event ids are already in the stream, but not as the same events in the same
    /// places. The port calls that bad input, as the embedded store does.
    /// </summary>
    private static EventStoreException WrongExpected(string stream, ExpectedRevision expected, long actual) => expected.Kind == ExpectedKind.Any
        ? new InvalidAppendException($"The append to '{stream}' repeats event ids already in the stream, but not as one whole earlier append (stream at {actual}); nothing was written.")
        : new WrongExpectedRevisionException(stream, expected, actual);

    /// <summary>The current fields (6/7) win; servers before 21.x filled only the 20.6.0 duplicates (1/2).</summary>
    public static long ActualRevision(AppendResp.Types.WrongExpectedVersion wrong) => wrong.CurrentRevisionOptionCase switch
    {
        AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentRevision => (long)wrong.CurrentRevision,
        AppendResp.Types.WrongExpectedVersion.CurrentRevisionOptionOneofCase.CurrentNoStream => -1,
        _ => wrong.CurrentRevisionOption2060Case == AppendResp.Types.WrongExpectedVersion.CurrentRevisionOption2060OneofCase.CurrentRevision2060
            ? (long)wrong.CurrentRevision2060
            : -1,
    };

    // ---- batch append ----

    /// <summary>One whole append as a single BatchAppend request (is_final: nothing more follows for this correlation id).</summary>
    /// <param name="proposed">The events as <see cref="Append"/> built them (the message shape is the same, fields 1-4).</param>
    public static BatchAppendReq BatchAppend(Guid correlationId, string stream, ExpectedRevision expected,
        IEnumerable<AppendReq.Types.ProposedMessage> proposed, TimeSpan deadline, UuidWireFormat format)
    {
        var options = new BatchAppendReq.Types.Options
        {
            StreamIdentifier = ToStreamIdentifier(stream),
            Deadline = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(deadline),
        };
        switch (expected.Kind)
        {
            case ExpectedKind.Any: options.Any = new Google.Protobuf.WellKnownTypes.Empty(); break;
            case ExpectedKind.NoStream: options.NoStream = new Google.Protobuf.WellKnownTypes.Empty(); break;
            case ExpectedKind.StreamExists: options.StreamExists = new Google.Protobuf.WellKnownTypes.Empty(); break;
            case ExpectedKind.Exact: options.StreamPosition = (ulong)expected.Revision; break;
            default: throw new InvalidAppendException($"Unknown expected revision kind {expected.Kind}.");
        }
        var request = new BatchAppendReq { CorrelationId = ToUuid(correlationId, format), Options = options, IsFinal = true };
        foreach (var p in proposed)
        {
            var message = new BatchAppendReq.Types.ProposedMessage { Id = p.Id, CustomMetadata = p.CustomMetadata, Data = p.Data };
            message.Metadata.Add(p.Metadata);
            request.ProposedMessages.Add(message);
        }
        return request;
    }

    public static AppendResult ToAppendResult(BatchAppendResp response, string stream, ExpectedRevision expected)
    {
        switch (response.ResultCase)
        {
            case BatchAppendResp.ResultOneofCase.Success:
                var success = response.Success;
                var revision = success.CurrentRevisionOptionCase == BatchAppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision
                    ? (long)success.CurrentRevision
                    : -1;
                var position = success.PositionOptionCase == BatchAppendResp.Types.Success.PositionOptionOneofCase.Position
                    ? (long)success.Position.CommitPosition
                    : -1;
                return new AppendResult(revision, position);
            case BatchAppendResp.ResultOneofCase.Error:
                throw BatchAppendError(response.Error, stream, expected);
            default:
                throw new EventStoreUnavailableException($"EventStoreDB answered the batch append to '{stream}' with neither success nor error.");
        }
    }

    /// <summary>BatchAppend reports failures as a google.rpc.Status whose details name EventStoreDB's error message type.</summary>
    private static EventStoreException BatchAppendError(Protocol.Rpc.Status status, string stream, ExpectedRevision expected)
    {
        var details = status.Details;
        if (details is not null)
        {
            if (details.Is(WrongExpectedVersion.Descriptor))
            {
                var wrong = details.Unpack<WrongExpectedVersion>();
                var actual = wrong.CurrentStreamRevisionOptionCase == WrongExpectedVersion.CurrentStreamRevisionOptionOneofCase.CurrentStreamRevision
                    ? (long)wrong.CurrentStreamRevision
                    : -1;
                return WrongExpected(stream, expected, actual);
            }
            if (details.Is(StreamDeleted.Descriptor)) return new StreamDeletedException(stream);
            if (details.Is(AccessDenied.Descriptor)) return new AccessDeniedException($"EventStoreDB denied the append to '{stream}': {status.Message}");
            if (details.Is(MaximumAppendSizeExceeded.Descriptor))
                return new InvalidAppendException($"The append to '{stream}' is larger than the server's maximum append size ({details.Unpack<MaximumAppendSizeExceeded>().MaxAppendSize} bytes).");
        }
        return new GrpcStatus(status.Code, status.Message, null, null).ToException(EventStoreDbEventStore.AppendMethod, stream);
    }

    // ---- reads ----

    private static ReadOptions BaseReadOptions(Direction direction, UuidWireFormat format) => new()
    {
        ReadDirection = direction == Direction.Forwards ? ReadOptions.Types.ReadDirection.Forwards : ReadOptions.Types.ReadDirection.Backwards,
        ResolveLinks = false,
        UuidOption = format == UuidWireFormat.String
            ? new ReadOptions.Types.UUIDOption { String = new Empty() }
            : new ReadOptions.Types.UUIDOption { Structured = new Empty() },
    };

    public static ReadReq ReadStream(string stream, long fromRevision, Direction direction, int maxCount, UuidWireFormat format)
    {
        var options = BaseReadOptions(direction, format);
        options.Stream = StreamOptions(stream);
        if (fromRevision == StreamPosition.End) options.Stream.End = new Empty();
        else if (fromRevision == StreamPosition.Start && direction == Direction.Forwards) options.Stream.Start = new Empty();
        else options.Stream.Revision = (ulong)fromRevision;
        options.Count = (ulong)maxCount;
        options.NoFilter = new Empty();
        return new ReadReq { Options = options };
    }

    /// <summary>Catch-up subscription to one stream; EventStoreDB delivers the events after <paramref name="afterRevision"/> (exclusive).</summary>
    public static ReadReq SubscribeToStream(string stream, long? afterRevision, UuidWireFormat format)
    {
        var options = BaseReadOptions(Direction.Forwards, format);
        options.Stream = StreamOptions(stream);
        if (afterRevision is { } after) options.Stream.Revision = (ulong)after;
        else options.Stream.Start = new Empty();
        options.Subscription = new ReadOptions.Types.SubscriptionOptions();
        options.NoFilter = new Empty();
        return new ReadReq { Options = options };
    }

    /// <summary>One page of $all. <paramref name="from"/> null = the start (forwards) or the end (backwards).</summary>
    public static ReadReq ReadAll(AllPosition? from, Direction direction, int maxCount, ServerFilter filter, UuidWireFormat format)
    {
        var options = BaseReadOptions(direction, format);
        options.All = AllOptions(from, direction);
        options.Count = (ulong)maxCount;
        options.Filter = filter.ToProto();
        return new ReadReq { Options = options };
    }

    /// <summary>Catch-up subscription to $all; EventStoreDB delivers the events after <paramref name="after"/> (exclusive).</summary>
    public static ReadReq SubscribeToAll(AllPosition? after, ServerFilter filter, UuidWireFormat format)
    {
        var options = BaseReadOptions(Direction.Forwards, format);
        options.All = AllOptions(after, Direction.Forwards);
        options.Subscription = new ReadOptions.Types.SubscriptionOptions();
        options.Filter = filter.ToProto();
        return new ReadReq { Options = options };
    }

    private static ReadOptions.Types.StreamOptions StreamOptions(string stream) => new() { StreamIdentifier = ToStreamIdentifier(stream) };

    private static ReadOptions.Types.AllOptions AllOptions(AllPosition? from, Direction direction)
    {
        var all = new ReadOptions.Types.AllOptions();
        if (from is { } position) all.Position = position.ToReadOption();
        else if (direction == Direction.Forwards) all.Start = new Empty();
        else all.End = new Empty();
        return all;
    }

    /// <summary>The decoded event plus its exact $all position (commit and prepare), which paging and resuming need.</summary>
    public readonly record struct Decoded(RecordedEvent Event, AllPosition Position);

    public static Decoded ToRecordedEvent(ReadResp.Types.ReadEvent read)
    {
        var e = read.Event ?? throw new EventStoreUnavailableException("EventStoreDB sent a read event without its record.");
        e.Metadata.TryGetValue("type", out var type);
        return new Decoded(
            new RecordedEvent(
                FromUuid(e.Id),
                e.StreamIdentifier?.StreamName.ToStringUtf8() ?? "",
                (long)e.StreamRevision,
                (long)e.CommitPosition,
                type ?? "",
                e.Data.Memory,
                ReadMetadata(e.CustomMetadata.Span),
                CreatedAt(e)),
            new AllPosition(e.CommitPosition, e.PreparePosition));
    }

    /// <summary><c>created</c> is 100-nanosecond ticks since the Unix epoch, as a decimal string.</summary>
    private static DateTimeOffset CreatedAt(WireRecordedEvent e) =>
        e.Metadata.TryGetValue("created", out var created) &&
        long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? DateTimeOffset.UnixEpoch.AddTicks(ticks)
            : DateTimeOffset.UnixEpoch;

    // ---- metadata ----
    // Our EventMetadata travels as the event's custom metadata, a JSON object holding only the fields that are set.
    // Correlation and causation use EventStoreDB's own key names, so its $by_correlation_id projection works on them.

    private static readonly JsonEncodedText CorrelationKey = JsonEncodedText.Encode("$correlationId");
    private static readonly JsonEncodedText CausationKey = JsonEncodedText.Encode("$causationId");
    private static readonly JsonEncodedText UserKey = JsonEncodedText.Encode("userId");
    private static readonly JsonEncodedText ClientTimeKey = JsonEncodedText.Encode("clientTime");
    private static readonly JsonEncodedText NodeKey = JsonEncodedText.Encode("nodeId");

    public static ByteString WriteMetadata(EventMetadata? metadata)
    {
        if (metadata is null || metadata == EventMetadata.Empty) return ByteString.Empty;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata.CorrelationId is { } correlation) writer.WriteString(CorrelationKey, correlation);
            if (metadata.CausationId is { } causation) writer.WriteString(CausationKey, causation);
            if (metadata.UserId is { } user) writer.WriteString(UserKey, user);
            if (metadata.ClientTime is { } time) writer.WriteString(ClientTimeKey, time.ToString("O", CultureInfo.InvariantCulture));
            if (metadata.NodeId is { } node) writer.WriteString(NodeKey, node);
            writer.WriteEndObject();
        }
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Reads what <see cref="WriteMetadata"/> wrote. Events written by other tools may carry any metadata: fields we do
    /// not know, or that do not have our shape, are left unset rather than failing the whole read.
    /// </summary>
    public static EventMetadata ReadMetadata(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return EventMetadata.Empty;
        Guid? correlation = null, causation = null;
        string? user = null, node = null;
        DateTimeOffset? clientTime = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return EventMetadata.Empty;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) { reader.Skip(); continue; }
                switch (name)
                {
                    case "$correlationId" when reader.TryGetGuid(out var g): correlation = g; break;
                    case "$causationId" when reader.TryGetGuid(out var g): causation = g; break;
                    case "userId": user = reader.GetString(); break;
                    case "nodeId": node = reader.GetString(); break;
                    case "clientTime" when reader.TryGetDateTimeOffset(out var t): clientTime = t; break;
                }
            }
        }
        catch (JsonException)
        {
            return EventMetadata.Empty; // foreign, non-JSON metadata: none of our fields are in it
        }
        var metadata = new EventMetadata(correlation, causation, user, clientTime, node);
        return metadata == EventMetadata.Empty ? EventMetadata.Empty : metadata;
    }
}

/// <summary>
/// How a port <see cref="EventFilter"/> is split between the server and the client. EventStoreDB filters on stream
/// name or on event type, never both; when the port asks for both, the stream prefixes go to the server and the types
/// are checked here. Without a filter the server still drops EventStoreDB's own system events.
/// </summary>
internal sealed record ServerFilter(ReadOptions.Types.FilterOptions.Types.Expression Expression, bool OnStreamName, IReadOnlySet<string>? ClientTypes)
{
    public static ServerFilter From(EventFilter? filter)
    {
        var prefixes = filter?.StreamPrefixes is { Count: > 0 } p ? p : null;
        var types = filter?.EventTypes is { Count: > 0 } t ? t : null;
        if (prefixes is not null)
        {
            var expression = new ReadOptions.Types.FilterOptions.Types.Expression();
            expression.Prefix.AddRange(prefixes);
            return new ServerFilter(expression, true, types?.ToHashSet(StringComparer.Ordinal));
        }
        if (types is not null)
        {
            // Prefix matching would let "a.v1" select "a.v10", so types go as an anchored alternation. The server is
            // .NET, so Regex.Escape's syntax is exactly what it parses.
            var regex = "^(?:" + string.Join("|", types.Select(System.Text.RegularExpressions.Regex.Escape)) + ")$";
            return new ServerFilter(new() { Regex = regex }, false, null);
        }
        return new ServerFilter(new() { Regex = EventStoreDbMessages.ExcludeSystemEventsRegex }, false, null);
    }

    public bool Accepts(RecordedEvent e) => ClientTypes is null || ClientTypes.Contains(e.Type);

    public ReadOptions.Types.FilterOptions ToProto()
    {
        var options = new ReadOptions.Types.FilterOptions
        {
            Max = EventStoreDbMessages.FilterWindow,
            CheckpointIntervalMultiplier = EventStoreDbMessages.CheckpointIntervalMultiplier,
        };
        if (OnStreamName) options.StreamIdentifier = Expression.Clone();
        else options.EventType = Expression.Clone();
        return options;
    }
}
