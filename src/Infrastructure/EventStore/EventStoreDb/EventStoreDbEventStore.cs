using System.Runtime.CompilerServices;
using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>
/// The event store port on EventStoreDB (checked against 23.10), spoken as gRPC over one shared HTTP/2
/// <see cref="HttpClient"/>. Positions: the port's GlobalPosition is EventStoreDB's commit position (see
/// <see cref="AllPosition"/>). Reads and subscriptions of $all leave out EventStoreDB's own system events.
/// </summary>
public sealed class EventStoreDbEventStore : IEventStore, IDisposable
{
    internal const string ReadMethod = "/event_store.client.streams.Streams/Read";
    internal const string AppendMethod = "/event_store.client.streams.Streams/Append";

    private readonly EventStoreDbSettings _settings;
    private readonly EventStoreOptions _limits;
    private readonly GrpcTransport _transport;
    private readonly SemaphoreSlim _batchOpening = new(1, 1);
    private volatile BatchAppendSession? _batch;

    public EventStoreDbEventStore(EventStoreDbSettings settings)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _limits = new EventStoreOptions { MaxEventBytes = settings.MaxEventBytes, MaxStreamNameLength = settings.MaxStreamNameLength };
        _transport = new GrpcTransport(settings);
    }

    /// <summary>
    /// An adapter for <paramref name="connectionString"/> (<c>esdb://host:2113?tls=false</c>). Nothing is dialled yet:
    /// the first call opens the HTTP/2 connection, and a lost connection is reopened by the next call.
    /// </summary>
    /// <exception cref="InvalidConnectionStringException">The connection string is malformed or uses an unsupported option.</exception>
    public static EventStoreDbEventStore Connect(string connectionString) => new(EventStoreDbSettings.Parse(connectionString));

    public EventStoreDbSettings Settings => _settings;

    public void Dispose()
    {
        _batch?.Dispose();
        _transport.Dispose();
    }

    // ---- append ----

    public async Task<AppendResult> AppendAsync(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ValidateAppend(stream, expected, events);
        var requests = EventStoreDbMessages.Append(stream, expected, events, _settings.UuidFormat);

        AppendResult result;
        if (_settings.UseBatchAppend)
        {
            var correlationId = Guid.NewGuid();
            var request = EventStoreDbMessages.BatchAppend(correlationId, stream, expected, requests.Skip(1).Select(r => r.ProposedMessage),
                _settings.DefaultDeadline, _settings.UuidFormat);
            var session = await BatchSessionAsync(ct).ConfigureAwait(false);
            var response = await session.AppendAsync(correlationId, request, _settings.DefaultDeadline, ct).ConfigureAwait(false);
            result = EventStoreDbMessages.ToAppendResult(response, stream, expected);
        }
        else
        {
            var response = await _transport.CallAsync(AppendMethod, GrpcTransport.Frame(requests), AppendResp.Parser, _settings.DefaultDeadline, stream, ct)
                .ConfigureAwait(false);
            result = EventStoreDbMessages.ToAppendResult(response, stream, expected);
        }
        if (result.GlobalPosition >= 0) return result;

        // A success without a position (EventStoreDB may answer an idempotent re-append so): the position of the
        // stream's last written event is the original result the port promises.
        await foreach (var last in ReadStreamAsync(stream, result.NextExpectedRevision, Direction.Backwards, 1, ct).ConfigureAwait(false))
            return result with { GlobalPosition = last.GlobalPosition };
        throw new EventStoreUnavailableException($"EventStoreDB acknowledged the append to '{stream}' at revision {result.NextExpectedRevision} but that event cannot be read back.");
    }

    /// <summary>The open BatchAppend call, or a new one if there is none or the last one broke.</summary>
    private async Task<BatchAppendSession> BatchSessionAsync(CancellationToken ct)
    {
        if (_batch is { IsBroken: false } open) return open;
        await _batchOpening.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_batch is { IsBroken: false } opened) return opened;
            _batch?.Dispose();
            return _batch = new BatchAppendSession(_transport);
        }
        finally
        {
            _batchOpening.Release();
        }
    }

    /// <summary>
    /// The port's rules for bad input, shared with the embedded store (<see cref="AppendValidator"/>, so both adapters
    /// pass one contract), plus EventStoreDB's reservation of names starting with '$'. Nothing reaches the server when one fails.
    /// </summary>
    private void ValidateAppend(string stream, ExpectedRevision expected, IReadOnlyList<EventData> events)
    {
        if (stream is not null && stream.StartsWith('$'))
            throw new InvalidAppendException($"Stream '{stream}' starts with '$', which EventStoreDB reserves for system streams.");
        AppendValidator.Validate(stream!, expected, events, _limits);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Type.StartsWith('$'))
                throw new InvalidAppendException($"Event #{i} of the append to '{stream}' has type '{events[i].Type}'; types starting with '$' are reserved by EventStoreDB.");
        }
    }

    // ---- reads ----

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string stream, long fromRevision, Direction direction, int maxCount,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0) yield break;

        var request = EventStoreDbMessages.ReadStream(stream, fromRevision, direction, maxCount, _settings.UuidFormat);
        await using var call = await _transport.OpenAsync(ReadMethod, GrpcTransport.Frame([request]), ReadResp.Parser, _settings.DefaultDeadline, stream, ct)
            .ConfigureAwait(false);
        while (await call.ReadAsync().ConfigureAwait(false) is { } response)
        {
            switch (response.ContentCase)
            {
                case ReadResp.ContentOneofCase.Event:
                    yield return EventStoreDbMessages.ToRecordedEvent(response.Event).Event;
                    break;
                case ReadResp.ContentOneofCase.StreamNotFound:
                    yield break; // the port reads a missing stream as an empty one
            }
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(long fromPosition, Direction direction, int maxCount, EventFilter? filter = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0) yield break;
        var serverFilter = ServerFilter.From(filter);
        var remaining = maxCount;

        // EventStoreDB reads $all from a (commit, prepare) pair that must be where an event record starts; the port
        // hands out commit positions, and prepare == commit for every gRPC-written event (see AllPosition), so a
        // position taken from an event is sent as (P, P). Two more cases:
        // - Forwards from "one past an event" (P + 1, the natural way to say "after P"): the server refuses the
        //   position (gRPC status Unknown, "invalid position"), so the read is retried from (P, P) without P.
        // - Backwards, whether the event at the position itself is included is not in our facts, so it is fetched on
        //   its own (a forward read of one) and anything at or after it is dropped from the backward pages: right
        //   under either server behaviour, for one small extra read.
        AllPosition? cursor = null;
        AllPosition? skipFrom = null; // forwards: skip events at or before it; backwards: at or after it
        var mayBeOnePast = false;
        if (fromPosition == StreamPosition.End)
        {
            if (direction == Direction.Forwards) yield break; // nothing comes after the end
        }
        else if (direction == Direction.Forwards)
        {
            cursor = fromPosition == StreamPosition.Start ? null : AllPosition.FromGlobal(fromPosition);
            mayBeOnePast = cursor is not null;
        }
        else
        {
            var at = AllPosition.FromGlobal(fromPosition);
            var (headCall, head) = await OpenAllPageAsync(at, Direction.Forwards, 1, serverFilter, ct).ConfigureAwait(false);
            await using (headCall.ConfigureAwait(false))
            {
                if (head?.Event is { } e && EventStoreDbMessages.ToRecordedEvent(e).Event is var atEvent
                    && atEvent.GlobalPosition == fromPosition && serverFilter.Accepts(atEvent))
                {
                    yield return atEvent;
                    remaining--;
                }
            }
            cursor = at;
            skipFrom = at;
        }

        // Pages: one usually suffices; more are needed only when the client-side type check or the backward overlap
        // above dropped events from a full page.
        while (remaining > 0)
        {
            var requested = remaining;
            GrpcTransport.ServerStream<ReadResp> call;
            ReadResp? response;
            if (mayBeOnePast)
            {
                mayBeOnePast = false;
                try
                {
                    (call, response) = await OpenAllPageAsync(cursor, direction, requested, serverFilter, ct).ConfigureAwait(false);
                }
                catch (EventStoreUnavailableException e) when (e.Data[GrpcStatus.DataKey] is GrpcStatus.Unknown)
                {
                    cursor = AllPosition.FromGlobal(fromPosition - 1);
                    skipFrom = cursor;
                    (call, response) = await OpenAllPageAsync(cursor, direction, requested, serverFilter, ct).ConfigureAwait(false);
                }
            }
            else
            {
                (call, response) = await OpenAllPageAsync(cursor, direction, requested, serverFilter, ct).ConfigureAwait(false);
            }

            await using (call.ConfigureAwait(false))
            {
                var returned = 0;
                AllPosition? last = null;
                for (; response is not null; response = await call.ReadAsync().ConfigureAwait(false))
                {
                    if (response.ContentCase != ReadResp.ContentOneofCase.Event) continue;
                    var item = EventStoreDbMessages.ToRecordedEvent(response.Event);
                    returned++;
                    last = item.Position;
                    if (skipFrom is { } skip && (direction == Direction.Forwards ? item.Position.Commit <= skip.Commit : item.Position.Commit >= skip.Commit))
                        continue;
                    if (!serverFilter.Accepts(item.Event)) continue;
                    yield return item.Event;
                    if (--remaining == 0) yield break;
                }
                if (returned < requested || last is null) yield break; // the server ran out
                cursor = last;
                skipFrom = last;
            }
        }
    }

    /// <summary>Starts one page of $all and waits for its first message, so a refused start position fails here.</summary>
    private async Task<(GrpcTransport.ServerStream<ReadResp> Call, ReadResp? First)> OpenAllPageAsync(AllPosition? from, Direction direction, int count,
        ServerFilter filter, CancellationToken ct)
    {
        var request = EventStoreDbMessages.ReadAll(from, direction, count, filter, _settings.UuidFormat);
        var call = await _transport.OpenAsync(ReadMethod, GrpcTransport.Frame([request]), ReadResp.Parser, _settings.DefaultDeadline, null, ct)
            .ConfigureAwait(false);
        try
        {
            return (call, await call.ReadAsync().ConfigureAwait(false));
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ---- subscriptions ----

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToStreamAsync(string stream, long? afterRevision, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (afterRevision is < 0) throw new ArgumentOutOfRangeException(nameof(afterRevision), "A revision is 0 or more; pass null to start at the beginning.");
        return SubscribeAsync(new StreamCursor(stream, afterRevision, _settings.UuidFormat), stream, ct);
    }

    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAllAsync(long? afterPosition, EventFilter? filter, CancellationToken ct)
    {
        if (afterPosition is < 0) throw new ArgumentOutOfRangeException(nameof(afterPosition), "A position is 0 or more; pass null to start at the beginning.");
        return SubscribeAsync(new AllCursor(afterPosition, ServerFilter.From(filter), _settings.UuidFormat), null, ct);
    }

    /// <summary>
    /// Where a subscription stands: the request that resumes it after a drop, and which of the server's events it
    /// delivers (an event already delivered before a reconnect is seen again and dropped here).
    /// </summary>
    private abstract class SubscriptionCursor
    {
        /// <summary>What CaughtUp reports: the revision or position of the last event delivered.</summary>
        public abstract long? LastDelivered { get; }

        public abstract ReadReq ResumeRequest();

        /// <summary>The event to deliver, or null when it was seen before or is filtered out.</summary>
        public abstract RecordedEvent? Accept(ReadResp.Types.ReadEvent received);
    }

    private sealed class StreamCursor(string stream, long? afterRevision, UuidWireFormat format) : SubscriptionCursor
    {
        private long? _last = afterRevision;

        public override long? LastDelivered => _last;

        public override ReadReq ResumeRequest() => EventStoreDbMessages.SubscribeToStream(stream, _last, format);

        public override RecordedEvent? Accept(ReadResp.Types.ReadEvent received)
        {
            var e = EventStoreDbMessages.ToRecordedEvent(received).Event;
            if (_last is { } seen && e.Revision <= seen) return null;
            _last = e.Revision;
            return e;
        }
    }

    /// <summary>
    /// Resumes just after the last event seen (its exact commit/prepare pair; only the caller's starting position is a
    /// bare commit position). Not after the server's filter checkpoints, although they would spare a rescan of a
    /// stretch where nothing matched: a checkpoint can name the position the *next* event is then written at
    /// (kurrent-io/KurrentDB#4970), and resuming after it would skip that event.
    /// </summary>
    private sealed class AllCursor(long? afterPosition, ServerFilter filter, UuidWireFormat format) : SubscriptionCursor
    {
        private AllPosition? _resume = afterPosition is { } p ? AllPosition.FromGlobal(p) : null;
        private long? _seenUpTo = afterPosition; // every event seen, delivered or dropped by the client-side type check
        private long? _lastDelivered = afterPosition;

        public override long? LastDelivered => _lastDelivered;

        public override ReadReq ResumeRequest() => EventStoreDbMessages.SubscribeToAll(_resume, filter, format);

        public override RecordedEvent? Accept(ReadResp.Types.ReadEvent received)
        {
            var decoded = EventStoreDbMessages.ToRecordedEvent(received);
            if (_seenUpTo is { } seen && decoded.Event.GlobalPosition <= seen) return null;
            _seenUpTo = decoded.Event.GlobalPosition;
            if (_resume is null || decoded.Position.Commit > _resume.Value.Commit) _resume = decoded.Position;
            if (!filter.Accepts(decoded.Event)) return null;
            _lastDelivered = decoded.Event.GlobalPosition;
            return decoded.Event;
        }
    }

    /// <summary>
    /// The one catch-up loop for both kinds: history, one CaughtUp, then live events; on a drop it reconnects with
    /// backoff from where the cursor stands. Any message but a bare confirmation (a failing server may send one every
    /// time) is progress, so the next outage backs off from the start again.
    /// </summary>
    private async IAsyncEnumerable<SubscriptionMessage> SubscribeAsync(SubscriptionCursor cursor, string? stream,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var caughtUpSent = false;
        var failures = 0;
        while (true)
        {
            EventStoreUnavailableException failure;
            var call = await OpenSubscriptionAsync(cursor.ResumeRequest(), stream, ct).ConfigureAwait(false);
            if (call.Stream is null)
            {
                failure = call.Failure!;
            }
            else
            {
                await using var open = call.Stream;
                while (true)
                {
                    var next = await NextAsync(open, ct).ConfigureAwait(false);
                    if (next.Failure is not null) { failure = next.Failure; break; }
                    var response = next.Response!;
                    if (response.ContentCase != ReadResp.ContentOneofCase.Confirmation) failures = 0;
                    switch (response.ContentCase)
                    {
                        case ReadResp.ContentOneofCase.Event:
                            if (cursor.Accept(response.Event) is { } e) yield return new SubscriptionMessage.Event(e);
                            break;
                        case ReadResp.ContentOneofCase.CaughtUp when !caughtUpSent:
                            caughtUpSent = true;
                            yield return new SubscriptionMessage.CaughtUp(cursor.LastDelivered);
                            break;
                    }
                }
            }
            await BackOffAsync(++failures, failure, ct).ConfigureAwait(false);
        }
    }

    private readonly record struct Opened(GrpcTransport.ServerStream<ReadResp>? Stream, EventStoreUnavailableException? Failure);

    private readonly record struct Next(ReadResp? Response, EventStoreUnavailableException? Failure);

    /// <summary>Opens a subscription call; "unavailable" is returned (to be retried), every other error is thrown.</summary>
    private async Task<Opened> OpenSubscriptionAsync(ReadReq request, string? stream, CancellationToken ct)
    {
        try
        {
            return new Opened(await _transport.OpenAsync(ReadMethod, GrpcTransport.Frame([request]), ReadResp.Parser, null, stream, ct).ConfigureAwait(false), null);
        }
        catch (EventStoreUnavailableException e)
        {
            return new Opened(null, e);
        }
    }

    /// <summary>The next subscription message; a subscription never ends by itself, so the server closing it is a drop too.</summary>
    private static async Task<Next> NextAsync(GrpcTransport.ServerStream<ReadResp> call, CancellationToken ct)
    {
        try
        {
            return await call.ReadAsync().ConfigureAwait(false) is { } response
                ? new Next(response, null)
                : new Next(null, new EventStoreUnavailableException("EventStoreDB closed the subscription."));
        }
        catch (EventStoreUnavailableException e) when (!ct.IsCancellationRequested)
        {
            return new Next(null, e);
        }
    }

    /// <summary>Exponential backoff with jitter (so many nodes do not reconnect in step), capped; gives up after MaxReconnectAttempts.</summary>
    private async Task BackOffAsync(int failures, EventStoreUnavailableException failure, CancellationToken ct)
    {
        if (_settings.MaxReconnectAttempts is { } max && failures > max)
            throw new EventStoreUnavailableException($"The subscription gave up after {max} reconnect attempts: {failure.Message}", failure);
        var exponent = Math.Min(failures - 1, 20);
        var delay = Math.Min(_settings.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, exponent), _settings.ReconnectMaxDelay.TotalMilliseconds);
        delay *= 0.8 + Random.Shared.NextDouble() * 0.4;
        await Task.Delay(TimeSpan.FromMilliseconds(delay), ct).ConfigureAwait(false);
    }
}
