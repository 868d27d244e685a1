using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// A real HTTP/2 gRPC endpoint (Kestrel, in-process, on a free loopback port; h2c unless a certificate is given) whose
/// answers are scripted per call, usually with payloads recorded from EventStoreDB. It speaks the gRPC framing and
/// trailers itself, so the adapter's transport is exercised exactly as against the real server.
/// </summary>
internal sealed class FakeEventStoreDb : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<Exchange> Calls { get; } = new();
    public int Port { get; }

    private FakeEventStoreDb(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public string ConnectionString(string options = "tls=false", string? credentials = null) =>
        $"esdb://{(credentials is null ? "" : credentials + "@")}127.0.0.1:{Port}?{options}";

    /// <param name="handler">Answers one call; it is given the call number (0, 1, ...) so scripts can change across reconnects.</param>
    public static async Task<FakeEventStoreDb> StartAsync(Func<Exchange, int, Task> handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        FakeEventStoreDb? server = null;
        var count = 0;
        app.Run(async context =>
        {
            var exchange = new Exchange(context, server!._clock.Elapsed);
            server.Calls.Enqueue(exchange);
            var n = Interlocked.Increment(ref count) - 1;
            try
            {
                await handler(exchange, n);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed server-side assertion only shows up client-side as a broken call; say what it was.
                Console.Error.WriteLine($"Fake EventStoreDB, call {n} to {exchange.Path}: {e}");
                throw;
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FakeEventStoreDb(app, new Uri(address).Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    /// <summary>One call as the server sees it, and the means to answer it.</summary>
    internal sealed class Exchange(HttpContext context, TimeSpan startedAt)
    {
        private bool _started;

        public TimeSpan StartedAt { get; } = startedAt;
        // Captured up front: the HttpContext is recycled once the call ends, and tests look at calls afterwards.
        public string Path { get; } = context.Request.Path.Value ?? "";
        public string Protocol { get; } = context.Request.Protocol;
        private readonly Dictionary<string, string> _headers =
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        public string Header(string name) => _headers.GetValueOrDefault(name, "");
        public CancellationToken Aborted => context.RequestAborted;
        public List<byte[]> Received { get; } = [];

        /// <summary>Reads every request frame until the client ends its side of the call.</summary>
        public async Task<IReadOnlyList<byte[]>> ReadAllAsync()
        {
            while (await ReadNextAsync() is not null) { }
            return Received;
        }

        /// <summary>The next request frame as it arrives (bidirectional calls), or null when the client ended its side.</summary>
        public async Task<byte[]?> ReadNextAsync()
        {
            var body = context.Request.Body;
            var header = new byte[5];
            if (await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false) < 5) return null;
            if (header[0] != 0) throw new InvalidOperationException("The client sent a compressed frame.");
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
            await body.ReadExactlyAsync(payload);
            Received.Add(payload);
            return payload;
        }

        public async Task<T> ReadSingleAsync<T>(MessageParser<T> parser) where T : IMessage<T> =>
            parser.ParseFrom((await ReadAllAsync()).Single());

        private async Task StartAsync()
        {
            if (_started) return;
            _started = true;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/grpc";
            await context.Response.StartAsync();
        }

        public Task SendAsync(IMessage message) => SendRawAsync(message.ToByteArray());

        public async Task SendRawAsync(byte[] payload)
        {
            await StartAsync();
            var frame = new byte[5 + payload.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
            payload.CopyTo(frame, 5);
            await context.Response.Body.WriteAsync(frame);
            await context.Response.Body.FlushAsync();
        }

        /// <summary>Ends the call with trailers after the messages sent so far.</summary>
        public async Task FinishAsync(int status = 0, string? message = null, params (string Name, string Value)[] extra)
        {
            await StartAsync();
            context.Response.AppendTrailer("grpc-status", status.ToString());
            if (message is not null) context.Response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
            foreach (var (name, value) in extra) context.Response.AppendTrailer(name, value);
        }

        /// <summary>A trailers-only answer: the status in the one HEADERS frame, no body (how gRPC servers fail a call up front).</summary>
        public void FailTrailersOnly(int status, string message, params (string Name, string Value)[] extra)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = status.ToString();
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            foreach (var (name, value) in extra) context.Response.Headers[name] = value;
        }

        /// <summary>Resets the HTTP/2 stream, as a server going away mid-call does.</summary>
        public void Abort() => context.Abort();

        /// <summary>Holds the call open until the client cancels it.</summary>
        public Task WaitForClientToLeaveAsync()
        {
            var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            context.RequestAborted.Register(() => left.TrySetResult());
            return left.Task;
        }
    }
}
