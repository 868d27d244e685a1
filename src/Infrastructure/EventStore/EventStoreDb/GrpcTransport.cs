using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore.EventStoreDb;

/// <summary>
/// gRPC over one shared <see cref="HttpClient"/> (HTTP/2; h2c with prior knowledge when tls=false). A call is a POST to
/// /package.Service/Method whose body is a sequence of frames (1 byte compressed flag, 4 bytes big-endian length,
/// protobuf bytes); its outcome is in the trailers, or in the headers of a trailers-only response.
/// </summary>
internal sealed class GrpcTransport : IDisposable
{
    /// <summary>Far above anything EventStoreDB sends (its own limit is 16 MiB); a larger length means a broken stream.</summary>
    private const int MaxMessageSize = 64 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");

    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly AuthenticationHeaderValue? _authorization;

    public GrpcTransport(EventStoreDbSettings settings)
    {
        _baseAddress = settings.BaseAddress;
        if (settings.HasCredentials)
            _authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.UserName}:{settings.Password}")));

        var handler = new SocketsHttpHandler
        {
            // Subscriptions hold HTTP/2 streams open for hours; more connections instead of queueing past the server's stream limit.
            EnableMultipleHttp2Connections = true,
            // Recycle connections so DNS or load-balancer changes are seen; open streams finish on the old connection.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = settings.KeepAliveInterval,
            KeepAlivePingTimeout = settings.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = settings.DefaultDeadline,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (settings.UseTls) handler.SslOptions = TlsOptions(settings);

        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = _baseAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan, // deadlines are per call (grpc-timeout + cancellation); subscriptions have none
        };
    }

    private static SslClientAuthenticationOptions TlsOptions(EventStoreDbSettings settings)
    {
        var options = new SslClientAuthenticationOptions { ApplicationProtocols = [SslApplicationProtocol.Http2] };
        if (!settings.VerifyCertificate)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (settings.CaFile is { } caFile)
        {
            X509Certificate2 ca;
            try
            {
                ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidConnectionStringException($"tlsCaFile '{caFile}' could not be read as a certificate: {e.Message}");
            }
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }
        return options;
    }

    /// <summary>Frames messages into one request body.</summary>
    public static byte[] Frame<T>(IReadOnlyList<T> messages) where T : IMessage
    {
        var sizes = new int[messages.Count];
        var total = 0;
        for (var i = 0; i < messages.Count; i++) total += 5 + (sizes[i] = messages[i].CalculateSize());
        var body = new byte[total];
        var offset = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            body[offset] = 0;
            BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(offset + 1, 4), sizes[i]);
            messages[i].WriteTo(body.AsSpan(offset + 5, sizes[i]));
            offset += 5 + sizes[i];
        }
        return body;
    }

    /// <summary>A call with a finite request (unary or client-streaming with every message known) and one response message.</summary>
    public async Task<TResponse> CallAsync<TResponse>(string method, byte[] body, MessageParser<TResponse> parser, TimeSpan deadline, string? stream, CancellationToken ct)
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = await OpenAsync(method, body, parser, deadline, stream, ct).ConfigureAwait(false);
        var response = await call.ReadAsync().ConfigureAwait(false)
            ?? throw new EventStoreUnavailableException($"EventStoreDB ended {method} without a response message.");
        if (await call.ReadAsync().ConfigureAwait(false) is not null)
            throw new EventStoreUnavailableException($"EventStoreDB sent more than one response message on {method}.");
        return response;
    }

    /// <summary>Starts a server-streaming call; read it with <see cref="ServerStream{T}.ReadAsync"/> until null.</summary>
    public Task<ServerStream<TResponse>> OpenAsync<TResponse>(string method, byte[] body, MessageParser<TResponse> parser, TimeSpan? deadline, string? stream, CancellationToken ct)
        where TResponse : class, IMessage<TResponse> =>
        SendAsync(method, new ByteArrayContent(body), parser, deadline, stream, ct);

    /// <summary>
    /// Starts a bidirectional call: frames written to the returned writer go out as they come (HTTP/2 full duplex);
    /// completing the writer ends the request side. The task yields the response side once the server answers.
    /// </summary>
    public (ChannelWriter<byte[]> Requests, Task<ServerStream<TResponse>> Responses) OpenDuplex<TResponse>(string method, MessageParser<TResponse> parser, CancellationToken ct)
        where TResponse : class, IMessage<TResponse>
    {
        var frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        return (frames.Writer, SendAsync(method, new FrameStreamContent(frames.Reader), parser, null, null, ct));
    }

    private async Task<ServerStream<TResponse>> SendAsync<TResponse>(string method, HttpContent content, MessageParser<TResponse> parser, TimeSpan? deadline, string? stream, CancellationToken ct)
        where TResponse : class, IMessage<TResponse>
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (deadline is { } d) cts.CancelAfter(d);
        var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Content.Headers.ContentType = GrpcContentType;
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (deadline is { } t) request.Headers.TryAddWithoutValidation("grpc-timeout", $"{Math.Max(1, (long)t.TotalMilliseconds)}m");
        if (_authorization is not null) request.Headers.Authorization = _authorization;

        // The call owns the request: a duplex request body is still being written after the response headers arrive.
        var call = new ServerStream<TResponse>(method, parser, stream, request, cts, ct);
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (call.IsTransportFailure(e))
            {
                throw call.Unavailable(e);
            }
            await call.StartAsync(response).ConfigureAwait(false);
            return call;
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A request body written frame by frame as the frames arrive; everything queued is flushed as one write.</summary>
    private sealed class FrameStreamContent(ChannelReader<byte[]> frames) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            while (await frames.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (frames.TryRead(out var frame)) await stream.WriteAsync(frame, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The response side of one call: frames in, then the status from the trailers mapped onto the port's errors.</summary>
    internal sealed class ServerStream<T>(string method, MessageParser<T> parser, string? stream, HttpRequestMessage request,
        CancellationTokenSource cts, CancellationToken callerToken)
        : IAsyncDisposable where T : class, IMessage<T>
    {
        private readonly byte[] _header = new byte[5];
        private HttpResponseMessage? _response;
        private Stream? _body;
        private bool _finished;

        internal async Task StartAsync(HttpResponseMessage response)
        {
            _response = response;
            // Trailers-only response: the status arrives in the headers and there is no body.
            if (GrpcStatus.TryRead(response.Headers) is { } early)
            {
                _finished = true;
                early.ThrowIfError(method, stream);
                return;
            }
            if (response.StatusCode != HttpStatusCode.OK)
                throw response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? new AccessDeniedException($"EventStoreDB refused {method}: HTTP {(int)response.StatusCode}.")
                    : new EventStoreUnavailableException($"EventStoreDB answered {method} with HTTP {(int)response.StatusCode} instead of a gRPC response.");
            try
            {
                _body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                throw Unavailable(e);
            }
        }

        /// <summary>The next message, or null once the call ended with status OK; a failed status throws the mapped port error.</summary>
        public async ValueTask<T?> ReadAsync()
        {
            if (_finished || _body is null) return null;
            try
            {
                var read = await _body.ReadAtLeastAsync(_header, 5, throwOnEndOfStream: false, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    _finished = true;
                    var status = GrpcStatus.TryRead(_response!.TrailingHeaders)
                        ?? throw new EventStoreUnavailableException($"EventStoreDB ended {method} without a grpc-status (connection cut or not a gRPC endpoint).");
                    status.ThrowIfError(method, stream);
                    return null;
                }
                if (read < 5) throw new EventStoreUnavailableException($"The {method} response ended inside a frame header.");
                if (_header[0] != 0) throw new EventStoreUnavailableException($"EventStoreDB sent a compressed frame on {method}; this client asks for none.");
                var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1));
                if (length is < 0 or > MaxMessageSize)
                    throw new EventStoreUnavailableException($"EventStoreDB sent a {length}-byte frame on {method}; the stream is corrupt.");
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                try
                {
                    await _body.ReadExactlyAsync(buffer.AsMemory(0, length), cts.Token).ConfigureAwait(false);
                    return parser.ParseFrom(buffer.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            catch (EndOfStreamException e)
            {
                throw new EventStoreUnavailableException($"The {method} response ended inside a message.", e);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new EventStoreUnavailableException($"EventStoreDB sent a message on {method} that does not parse: {e.Message}", e);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                throw Unavailable(e);
            }
        }

        /// <summary>Network trouble and our own deadline, but not the caller's cancellation, which stays an OperationCanceledException.</summary>
        internal bool IsTransportFailure(Exception e) =>
            e is HttpRequestException or IOException
            || (e is OperationCanceledException && !callerToken.IsCancellationRequested);

        internal EventStoreUnavailableException Unavailable(Exception e) => e is OperationCanceledException
            ? new EventStoreUnavailableException($"EventStoreDB did not complete {method} before its deadline.", e)
            : new EventStoreUnavailableException($"EventStoreDB could not be reached for {method}: {e.Message}", e);

        public async ValueTask DisposeAsync()
        {
            // Cancelling before disposing resets an unfinished HTTP/2 stream (RST_STREAM) instead of draining it.
            if (!_finished) await cts.CancelAsync().ConfigureAwait(false);
            if (_body is not null) await _body.DisposeAsync().ConfigureAwait(false);
            _response?.Dispose();
            request.Dispose();
            cts.Dispose();
        }
    }
}

/// <summary>A call's gRPC status plus EventStoreDB's <c>exception</c> trailer, mapped onto the port's errors.</summary>
internal sealed record GrpcStatus(int Code, string Message, string? Exception, string? StreamName)
{
    // The gRPC status codes the mapping tells apart; every other code is "unavailable".
    public const int Ok = 0, Unknown = 2, InvalidArgument = 3, PermissionDenied = 7, Unauthenticated = 16;

    public static GrpcStatus? TryRead(HttpHeaders headers)
    {
        if (!headers.TryGetValues("grpc-status", out var codes)) return null;
        var codeText = codes.FirstOrDefault();
        var code = int.TryParse(codeText, out var parsed) ? parsed : Unknown;
        return new GrpcStatus(code, Value(headers, "grpc-message") is { } m ? Uri.UnescapeDataString(m) : "", Value(headers, "exception"), Value(headers, "stream-name"));
    }

    private static string? Value(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Key of <see cref="Exception.Data"/> holding the gRPC status code of a failed call.</summary>
    public const string DataKey = "grpc-status";

    public void ThrowIfError(string method, string? stream)
    {
        if (Code == Ok) return;
        var error = ToException(method, stream);
        error.Data[DataKey] = Code;
        throw error;
    }

    /// <summary>
    /// EventStoreDB names the failure in the <c>exception</c> trailer; the gRPC code is the fallback for proxies and
    /// for failures the server did not classify. Anything not attributable to the request is "unavailable": the port
    /// lets the caller retry those with the same event ids, which EventStoreDB de-duplicates.
    /// </summary>
    public EventStoreException ToException(string method, string? stream)
    {
        var detail = Message.Length > 0 ? Message : $"gRPC status {Code}";
        return Exception switch
        {
            "stream-deleted" => new StreamDeletedException(StreamName ?? stream ?? "?"),
            "access-denied" => new AccessDeniedException($"EventStoreDB denied {method}{On(stream)}: {detail}"),
            "maximum-append-size-exceeded" => new InvalidAppendException($"The append{On(stream)} is larger than the server's maximum append size: {detail}"),
            "not-leader" => new EventStoreUnavailableException($"The node is not the cluster leader, so it refused {method}{On(stream)}: {detail}"),
            _ => Code switch
            {
                PermissionDenied or Unauthenticated => new AccessDeniedException($"EventStoreDB denied {method}{On(stream)}: {detail}"),
                InvalidArgument when method.EndsWith("/Append", StringComparison.Ordinal) =>
                    new InvalidAppendException($"EventStoreDB rejected the append{On(stream)}: {detail}"),
                _ => new EventStoreUnavailableException($"EventStoreDB failed {method}{On(stream)} with status {Code}{(Exception is null ? "" : $" ({Exception})")}: {detail}"),
            },
        };
    }

    private static string On(string? stream) => stream is null ? "" : $" on '{stream}'";
}
