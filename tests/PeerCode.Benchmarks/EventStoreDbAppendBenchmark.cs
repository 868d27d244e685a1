using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;

namespace PeerCode.Benchmarks;

/// <summary>
/// esdb-append: appends of one small event to many streams at a given concurrency, once with an Append call per
/// append and once multiplexed on BatchAppend. Against --server (a real EventStoreDB) this is the adapter's real
/// throughput; without it, an in-process h2c endpoint acknowledges every append at once, so the numbers are the
/// client and HTTP/2 cost alone (the ceiling the adapter puts on a server that is never the bottleneck).
/// Options: --server esdb://host:2113?tls=false, --appends N (default 20000), --concurrency C (default 64).
/// </summary>
public static class EventStoreDbAppendBenchmark
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var appends = args.GetInt("appends", 20_000);
        var concurrency = args.GetInt("concurrency", 64);
        var server = args.Get("server");
        await using var loopback = server is null ? await AcknowledgingEndpoint.StartAsync() : null;
        var connectionString = server ?? $"esdb://127.0.0.1:{loopback!.Port}?tls=false";

        var results = new Dictionary<string, object>
        {
            ["suite"] = "esdb-append",
            ["target"] = server is null ? "in-process h2c endpoint (client cost only)" : "EventStoreDB",
            ["appends"] = appends,
            ["concurrency"] = concurrency,
        };
        foreach (var batch in new[] { false, true })
        {
            using var store = new EventStoreDbEventStore(EventStoreDbSettings.Parse(connectionString) with { UseBatchAppend = batch });
            await RunOnceAsync(store, Math.Min(appends, 500), concurrency); // warm-up: connections, JIT
            var (elapsed, latencies) = await RunOnceAsync(store, appends, concurrency);
            var mode = batch ? "batch_append" : "append";
            results[$"{mode}_per_s"] = Math.Round(appends / elapsed.TotalSeconds);
            results[$"{mode}_p50_ms"] = Math.Round(Percentile(latencies, 0.50), 3);
            results[$"{mode}_p99_ms"] = Math.Round(Percentile(latencies, 0.99), 3);
        }
        Console.WriteLine(JsonSerializer.Serialize(results));
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, double[] LatenciesMs)> RunOnceAsync(IEventStore store, int appends, int concurrency)
    {
        var latencies = new double[appends];
        var next = -1;
        var run = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < appends)
            {
                var started = Stopwatch.GetTimestamp();
                await store.AppendAsync($"bench-{run}-{i % 1000}", ExpectedRevision.Any,
                    [new EventData(Guid.NewGuid(), "bench.appended.v1", """{"n":1}"""u8.ToArray(), new EventMetadata(NodeId: "bench"))]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        return (clock.Elapsed, latencies);
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }

    /// <summary>Answers Append and BatchAppend with success straight away, speaking the gRPC framing over h2c.</summary>
    private sealed class AcknowledgingEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public int Port { get; }

        private AcknowledgingEndpoint(WebApplication app, int port) { _app = app; Port = port; }

        public static async Task<AcknowledgingEndpoint> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            long position = 0;
            app.Run(async context =>
            {
                context.Response.ContentType = "application/grpc";
                var batch = context.Request.Path.Value!.EndsWith("/BatchAppend", StringComparison.Ordinal);
                while (await ReadFrameAsync(context.Request.Body) is { } frame)
                {
                    if (!batch) continue; // Append: answer once the client has sent all of it
                    var request = BatchAppendReq.Parser.ParseFrom(frame);
                    var at = (ulong)Interlocked.Increment(ref position);
                    await WriteFrameAsync(context.Response, new BatchAppendResp
                    {
                        CorrelationId = request.CorrelationId,
                        Success = new() { CurrentRevision = 0, Position = new AllStreamPosition { CommitPosition = at, PreparePosition = at } },
                    });
                }
                if (!batch)
                {
                    var at = (ulong)Interlocked.Increment(ref position);
                    await WriteFrameAsync(context.Response, new AppendResp
                    {
                        Success = new() { CurrentRevision = 0, Position = new AppendResp.Types.Position { CommitPosition = at, PreparePosition = at } },
                    });
                }
                context.Response.AppendTrailer("grpc-status", "0");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new AcknowledgingEndpoint(app, new Uri(address).Port);
        }

        private static async Task<byte[]?> ReadFrameAsync(Stream body)
        {
            var header = new byte[5];
            if (await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false) < 5) return null;
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
            await body.ReadExactlyAsync(payload);
            return payload;
        }

        private static async Task WriteFrameAsync(HttpResponse response, IMessage message)
        {
            var payload = message.ToByteArray();
            var frame = new byte[5 + payload.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
            payload.CopyTo(frame, 5);
            await response.Body.WriteAsync(frame);
            await response.Body.FlushAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
