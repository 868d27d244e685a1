using System.Collections.Concurrent;
using System.Threading.Channels;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>
/// Many appends multiplexed on one long-lived BatchAppend call: each append is one request frame out and one response
/// frame back, matched by correlation id, instead of a new HTTP/2 stream (HEADERS, DATA, trailers) per append. Under
/// many concurrent appends (every room's edits) that saves a round of header frames per append and lets queued
/// frames share one write. If the call breaks, every append waiting on it fails as unavailable (the caller may retry
/// with the same event ids, which the server de-duplicates) and the next append opens a fresh call.
/// </summary>
internal sealed class BatchAppendSession : IDisposable
{
    internal const string Method = "/event_store.client.streams.Streams/BatchAppend";

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<BatchAppendResp>> _pending = new();
    private readonly ChannelWriter<byte[]> _requests;
    private readonly CancellationTokenSource _life = new();
    private readonly Task _reader;
    private volatile bool _broken;

    public BatchAppendSession(GrpcTransport transport)
    {
        var (requests, responses) = transport.OpenDuplex(Method, BatchAppendResp.Parser, _life.Token);
        _requests = requests;
        _reader = ReadResponsesAsync(responses);
    }

    public bool IsBroken => _broken;

    public async Task<BatchAppendResp> AppendAsync(Guid correlationId, BatchAppendReq request, TimeSpan deadline, CancellationToken ct)
    {
        var answer = new TaskCompletionSource<BatchAppendResp>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlationId] = answer;
        try
        {
            if (_broken || !_requests.TryWrite(GrpcTransport.Frame([request])))
                throw new EventStoreUnavailableException("The BatchAppend call to EventStoreDB has closed.");
            return await answer.Task.WaitAsync(deadline, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new EventStoreUnavailableException($"EventStoreDB did not acknowledge the append within {deadline.TotalMilliseconds:0} ms.", e);
        }
        finally
        {
            _pending.TryRemove(correlationId, out _);
        }
    }

    private async Task ReadResponsesAsync(Task<GrpcTransport.ServerStream<BatchAppendResp>> opening)
    {
        EventStoreException failure;
        try
        {
            await using var responses = await opening.ConfigureAwait(false);
            while (await responses.ReadAsync().ConfigureAwait(false) is { } response)
            {
                if (_pending.TryGetValue(EventStoreDbMessages.FromUuid(response.CorrelationId), out var waiting))
                    waiting.TrySetResult(response);
            }
            failure = new EventStoreUnavailableException("EventStoreDB ended the BatchAppend call.");
        }
        catch (EventStoreException e)
        {
            failure = e; // a failure of the whole call (unavailable, access denied) is every waiting append's failure
        }
        catch (OperationCanceledException e)
        {
            failure = new EventStoreUnavailableException("The BatchAppend call to EventStoreDB was closed.", e);
        }
        _broken = true;
        _requests.TryComplete();
        foreach (var waiting in _pending.Values) waiting.TrySetException(failure);
    }

    /// <summary>Ends the request side and resets the call; appends still waiting fail as unavailable.</summary>
    public void Dispose()
    {
        _requests.TryComplete();
        _life.Cancel(); // the token source is left to the collector: the reader may still be observing it
    }
}
