using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FluentAssertions;
using Google.Protobuf;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// The adapter against a real in-process HTTP/2 gRPC endpoint answering with EventStoreDB's recorded payloads:
/// framing, headers, trailers (and trailers-only answers), error mapping, streaming reads, subscriptions with
/// reconnect-and-resume, deadlines, basic authentication and TLS.
/// </summary>
public sealed class TransportTests
{
    private static readonly EventData DocumentUpdated = new(Guid.Parse("0e6f0d8a-5b6c-4f1e-9d3a-2b1c0d9e8f7a"), "DocumentUpdated",
        Encoding.UTF8.GetBytes("""{"update":"AQHW4MaWCAAEAQF0AmhpAA=="}"""), new EventMetadata(UserId: "u1"));
    private static readonly EventData ChatPosted = new(Guid.Parse("5f2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), "ChatMessagePosted",
        Encoding.UTF8.GetBytes("""{"text":"hello"}"""), EventMetadata.Empty);

    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    private static byte[] Recorded(string name, int index = 0) => GoldenPayloads.Responses(name)[index].Payload;

    private static EventStoreDbEventStore Adapter(FakeEventStoreDb server, Func<EventStoreDbSettings, EventStoreDbSettings>? tune = null,
        string? credentials = null, string options = "tls=false")
    {
        var settings = EventStoreDbSettings.Parse(server.ConnectionString(options, credentials)) with { UuidFormat = UuidWireFormat.String };
        return new EventStoreDbEventStore(tune is null ? settings : tune(settings));
    }

    /// <summary>Event 3 of room-golden, as a live event after the recorded history.</summary>
    private static ReadResp LiveEvent()
    {
        var live = ReadResp.Parser.ParseFrom(Recorded("read-stream-forwards", 2));
        live.Event.Event.Id = new UUID { String = "7a7a7a7a-0000-4000-8000-000000000003" };
        live.Event.Event.StreamRevision = 3;
        live.Event.Event.CommitPosition = live.Event.Event.PreparePosition = live.Event.CommitPosition = 1200;
        return live;
    }

    private static ReadResp Checkpoint(ulong position) => new() { Checkpoint = new() { CommitPosition = position, PreparePosition = position } };

    private static ReadResp CaughtUp() => new() { CaughtUp = new ReadResp.Types.CaughtUp() };

    private static ReadResp Confirmation() => new() { Confirmation = new() { SubscriptionId = Guid.NewGuid().ToString() } };

    private static async Task SendHistoryAsync(FakeEventStoreDb.Exchange call, int from = 0, int to = 2)
    {
        for (var i = from; i <= to; i++) await call.SendRawAsync(Recorded("read-stream-forwards", i));
    }

    // ---- append ----

    [Fact]
    public async Task Append_frames_the_recorded_messages_with_grpc_headers_and_basic_auth_and_maps_the_reply()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.SendRawAsync(Recorded("append-new-stream-two-events"));
            await call.FinishAsync();
        });
        using var store = Adapter(server, credentials: "admin:changeit");

        var result = await store.AppendAsync("room-golden", ExpectedRevision.NoStream, [DocumentUpdated, ChatPosted]);

        result.Should().Be(new AppendResult(1, 901));
        var call = server.Calls.Single();
        call.Protocol.Should().Be("HTTP/2");
        call.Path.Should().Be("/event_store.client.streams.Streams/Append");
        call.Header("content-type").Should().Be("application/grpc");
        call.Header("te").Should().Be("trailers");
        call.Header("authorization").Should().Be("Basic " + Convert.ToBase64String("admin:changeit"u8.ToArray()));
        call.Header("grpc-timeout").Should().Be("10000m");
        var expected = GoldenPayloads.Requests("append-new-stream-two-events").Select(m => AppendReq.Parser.ParseFrom(m.Payload)).ToList();
        call.Received.Select(AppendReq.Parser.ParseFrom).Should().Equal(expected);
    }

    [Fact]
    public async Task Without_credentials_no_authorization_header_is_sent()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.SendRawAsync(Recorded("append-expected-revision-1-binary-structured-uuid"));
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var result = await store.AppendAsync("room-golden", ExpectedRevision.Exact(1), [new EventData(Guid.NewGuid(), "CursorMoved", "[1,2,3]"u8.ToArray(), EventMetadata.Empty)]);
        result.Should().Be(new AppendResult(2, 1035));
        server.Calls.Single().Header("authorization").Should().BeEmpty();
    }

    [Fact]
    public async Task A_success_without_a_position_is_completed_with_the_position_of_the_last_written_event()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            if (n == 0)
            {
                await call.ReadAllAsync();
                await call.SendAsync(new AppendResp { Success = new() { CurrentRevision = 2, NoPosition = new() } });
            }
            else
            {
                var read = await call.ReadSingleAsync(ReadReq.Parser);
                read.Options.Stream.Revision.Should().Be(2);
                read.Options.ReadDirection.Should().Be(ReadReq.Types.Options.Types.ReadDirection.Backwards);
                read.Options.Count.Should().Be(1);
                await call.SendRawAsync(Recorded("read-stream-backwards-last-structured-uuid"));
            }
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var result = await store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted]);
        result.Should().Be(new AppendResult(2, 1035));
        server.Calls.Select(c => c.Path).Should().Equal("/event_store.client.streams.Streams/Append", "/event_store.client.streams.Streams/Read");
    }

    [Fact]
    public async Task Wrong_expected_version_in_the_reply_raises_the_port_error_with_the_actual_revision()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.SendRawAsync(Recorded("append-wrong-expected-version"));
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.NoStream, [ChatPosted]);
        (await act.Should().ThrowAsync<WrongExpectedRevisionException>()).Which.ActualRevision.Should().Be(1);
    }

    public static TheoryData<int, string?, bool, Type> Failures => new()
    {
        // gRPC status, EventStoreDB's exception trailer, sent trailers-only?, the port error
        { 9, "stream-deleted", false, typeof(StreamDeletedException) },
        { 9, "stream-deleted", true, typeof(StreamDeletedException) },
        { 7, "access-denied", false, typeof(AccessDeniedException) },
        { 7, null, true, typeof(AccessDeniedException) },
        { 16, null, false, typeof(AccessDeniedException) },
        { 3, "maximum-append-size-exceeded", false, typeof(InvalidAppendException) },
        { 14, null, false, typeof(EventStoreUnavailableException) },
        { 5, "not-leader", true, typeof(EventStoreUnavailableException) },
        { 13, null, false, typeof(EventStoreUnavailableException) },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Failed_statuses_map_onto_the_port_errors(int status, string? exception, bool trailersOnly, Type expected)
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            var extra = exception is null ? [] : new[] { ("exception", exception), ("stream-name", "room-golden") };
            if (trailersOnly) call.FailTrailersOnly(status, "scripted failure", extra);
            else await call.FinishAsync(status, "scripted failure", extra);
        });
        using var store = Adapter(server);
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted]);
        var error = (await act.Should().ThrowAsync<EventStoreException>()).Which;
        error.Should().BeOfType(expected);
        if (error is StreamDeletedException deleted) deleted.Stream.Should().Be("room-golden");
    }

    [Fact]
    public async Task An_endpoint_that_is_not_grpc_is_unavailable_not_a_crash()
    {
        await using var server = await FakeEventStoreDb.StartAsync((call, _) => Task.CompletedTask); // HTTP 200, no grpc-status
        using var store = Adapter(server);
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted]);
        (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain("grpc-status");
    }

    [Fact]
    public async Task A_closed_port_is_unavailable()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var store = EventStoreDbEventStore.Connect($"esdb://127.0.0.1:{port}?tls=false");
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted]);
        (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which.InnerException.Should().BeOfType<HttpRequestException>();
    }

    [Fact]
    public async Task A_server_that_does_not_answer_before_the_deadline_is_unavailable_and_the_call_is_reset()
    {
        var serverSawReset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.WaitForClientToLeaveAsync();
            serverSawReset.TrySetResult();
        });
        using var store = Adapter(server, s => s with { DefaultDeadline = TimeSpan.FromMilliseconds(300) });
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted]);
        (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain("deadline");
        server.Calls.Single().Header("grpc-timeout").Should().Be("300m");
        await serverSawReset.Task.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task Cancelling_a_call_is_a_cancellation_not_an_outage()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.WaitForClientToLeaveAsync();
        });
        using var store = Adapter(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var act = () => store.AppendAsync("room-golden", ExpectedRevision.Any, [ChatPosted], cts.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Bad_appends_fail_before_anything_is_sent()
    {
        await using var server = await FakeEventStoreDb.StartAsync((call, _) => call.FinishAsync(13));
        using var store = Adapter(server, s => s with { MaxEventBytes = 100, MaxStreamNameLength = 50 });
        var ok = ChatPosted;
        var bad = new (string Stream, ExpectedRevision Expected, EventData[] Events)[]
        {
            ("", ExpectedRevision.Any, [ok]),
            ("  ", ExpectedRevision.Any, [ok]),
            ("$system", ExpectedRevision.Any, [ok]),
            (new string('r', 51), ExpectedRevision.Any, [ok]),
            ("room-1\n", ExpectedRevision.Any, [ok]),
            ("room-1", new ExpectedRevision((ExpectedKind)42, 0), [ok]),
            ("room-1", new ExpectedRevision(ExpectedKind.Exact, -3), [ok]),
            ("room-1", ExpectedRevision.Any, []),
            ("room-1", ExpectedRevision.Any, [ok, ok with { Type = "other.v1" }]),
            ("room-1", ExpectedRevision.Any, [ok with { Type = "" }]),
            ("room-1", ExpectedRevision.Any, [ok with { Type = "room joined" }]),
            ("room-1", ExpectedRevision.Any, [ok with { Type = "$>" }]),
            ("room-1", ExpectedRevision.Any, [ok with { EventId = Guid.Empty }]),
            ("room-1", ExpectedRevision.Any, [ok with { Data = "{\"a\":"u8.ToArray() }]),
            ("room-1", ExpectedRevision.Any, [ok with { Data = ReadOnlyMemory<byte>.Empty }]),
            ("room-1", ExpectedRevision.Any, [ok with { Data = Encoding.UTF8.GetBytes("\"" + new string('a', 99) + "\"") }]),
            ("room-1", ExpectedRevision.Any, [ok with { Metadata = null! }]),
            ("room-1", ExpectedRevision.Any, [ok with { Metadata = new EventMetadata(UserId: new string('u', 257)) }]),
        };
        foreach (var (stream, expected, events) in bad)
        {
            (await FluentActions.Awaiting(() => store.AppendAsync(stream, expected, events)).Should().ThrowAsync<InvalidAppendException>())
                .Which.Message.Should().NotBeNullOrWhiteSpace();
        }
        server.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task The_health_check_is_healthy_while_the_server_answers_and_unhealthy_with_the_reason_when_not()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            request.Options.Stream.StreamIdentifier.StreamName.ToStringUtf8().Should().Be(EventStoreDbHealthCheck.ProbeStream);
            await call.SendAsync(new ReadResp { StreamNotFound = new() { StreamIdentifier = request.Options.Stream.StreamIdentifier } });
            await call.FinishAsync();
        });
        using var store = Adapter(server, credentials: "admin:changeit");
        var healthy = await new EventStoreDbHealthCheck(store).CheckHealthAsync(new());
        healthy.Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        healthy.Data["server"].Should().Be($"esdb://admin:***@127.0.0.1:{server.Port}?tls=false");

        await server.DisposeAsync();
        var unhealthy = await new EventStoreDbHealthCheck(store).CheckHealthAsync(new());
        unhealthy.Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy);
        unhealthy.Exception.Should().BeOfType<EventStoreUnavailableException>();
    }

    // ---- reads ----

    [Fact]
    public async Task Reading_a_stream_streams_every_recorded_event_in_order()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            request.Should().Be(ReadReq.Parser.ParseFrom(GoldenPayloads.Requests("read-stream-forwards").Single().Payload));
            await SendHistoryAsync(call);
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var events = await store.ReadStreamAsync("room-golden", StreamPosition.Start, Direction.Forwards, 10).ToListAsync();
        events.Select(e => e.Revision).Should().Equal(0, 1, 2);
        foreach (var e in events) GoldenPayloadTests.ShouldBeRoomGoldenEvent(e, (int)e.Revision);
        server.Calls.Single().Path.Should().Be("/event_store.client.streams.Streams/Read");
    }

    [Fact]
    public async Task A_1_MiB_event_crosses_many_http2_frames_intact_both_ways()
    {
        var data = new byte[1024 * 1024];
        data.AsSpan().Fill((byte)'a');
        data[0] = data[^1] = (byte)'"';
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            if (n == 0)
            {
                var received = (await call.ReadAllAsync()).Select(AppendReq.Parser.ParseFrom).ToList();
                received[1].ProposedMessage.Data.Span.SequenceEqual(data).Should().BeTrue();
                await call.SendRawAsync(Recorded("append-expected-revision-1-binary-structured-uuid"));
            }
            else
            {
                await call.ReadAllAsync();
                var big = ReadResp.Parser.ParseFrom(Recorded("read-stream-forwards", 1));
                big.Event.Event.Data = ByteString.CopyFrom(data);
                await call.SendAsync(big);
                await call.SendRawAsync(Recorded("read-stream-forwards", 2));
            }
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        (await store.AppendAsync("room-golden", ExpectedRevision.Exact(1), [ChatPosted with { Data = data }])).Should().Be(new AppendResult(2, 1035));
        var events = await store.ReadStreamAsync("room-golden", 1, Direction.Forwards, 2).ToListAsync();
        events[0].Data.Span.SequenceEqual(data).Should().BeTrue();
        events[1].Revision.Should().Be(2);
    }

    [Fact]
    public async Task Reading_a_missing_stream_yields_nothing()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.SendRawAsync(Recorded("read-missing-stream"));
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        (await store.ReadStreamAsync("room-missing", 0, Direction.Forwards, 10).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Reading_a_deleted_stream_raises_stream_deleted_even_after_some_messages()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.FinishAsync(9, "Event stream 'room-golden' is deleted.", ("exception", "stream-deleted"), ("stream-name", "room-golden"));
        });
        using var store = Adapter(server);
        var act = () => store.ReadStreamAsync("room-golden", 0, Direction.Forwards, 10).ToListAsync().AsTask();
        (await act.Should().ThrowAsync<StreamDeletedException>()).Which.Stream.Should().Be("room-golden");
    }

    [Fact]
    public async Task Reading_all_with_a_prefix_filter_sends_the_recorded_filter_and_streams_the_events()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            foreach (var m in GoldenPayloads.Responses("read-all-filtered-prefix-room")) await call.SendRawAsync(m.Payload);
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var events = await store.ReadAllAsync(StreamPosition.Start, Direction.Forwards, 3, EventFilter.StreamPrefix("room-")).ToListAsync();
        events.Select(e => e.GlobalPosition).Should().Equal(733, 901, 1035);
        ReadReq.Parser.ParseFrom(server.Calls.Single().Received.Single())
            .Should().Be(ReadReq.Parser.ParseFrom(GoldenPayloads.Requests("read-all-filtered-prefix-room").Single().Payload));
    }

    [Fact]
    public async Task Reading_all_with_prefix_and_type_pages_until_enough_events_match_the_type()
    {
        // The server filters on the prefix only; the type is checked by the adapter, so a full page that loses events
        // to the type check is followed by a page after its last position.
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            if (n == 0)
            {
                request.Options.All.AllOptionCase.Should().Be(ReadReq.Types.Options.Types.AllOptions.AllOptionOneofCase.Start);
                request.Options.Count.Should().Be(2);
                await SendHistoryAsync(call, 0, 1); // DocumentUpdated (dropped), ChatMessagePosted
            }
            else
            {
                request.Options.All.Position.CommitPosition.Should().Be(901);
                request.Options.Count.Should().Be(1);
                await SendHistoryAsync(call, 1, 2); // the server includes its start position: 901 again, then 1035
            }
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var filter = new EventFilter(["room-"], ["ChatMessagePosted", "CursorMoved"]);
        var events = await store.ReadAllAsync(StreamPosition.Start, Direction.Forwards, 2, filter).ToListAsync();
        events.Select(e => e.Type).Should().Equal("ChatMessagePosted", "CursorMoved");
        server.Calls.Should().HaveCount(2);
    }

    [Fact]
    public async Task Reading_all_forwards_from_one_past_an_event_retries_from_that_event_when_the_server_refuses_the_position()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            if (n == 0)
            {
                request.Options.All.Position.CommitPosition.Should().Be(734);
                call.FailTrailersOnly(2, "Trying to read from an invalid position."); // what EventStoreDB answers mid-record
                return;
            }
            request.Options.All.Position.Should().Be(new ReadReq.Types.Options.Types.Position { CommitPosition = 733, PreparePosition = 733 });
            await SendHistoryAsync(call, 0, 2);
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var events = await store.ReadAllAsync(734, Direction.Forwards, 2).ToListAsync();
        events.Select(e => e.GlobalPosition).Should().Equal(901, 1035);
    }

    [Fact]
    public async Task Reading_all_backwards_from_a_position_includes_the_event_at_that_position_exactly_once()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            request.Options.All.Position.CommitPosition.Should().Be(901);
            if (n == 0)
            {
                request.Options.ReadDirection.Should().Be(ReadReq.Types.Options.Types.ReadDirection.Forwards);
                request.Options.Count.Should().Be(1);
                await SendHistoryAsync(call, 1, 1);
            }
            else
            {
                request.Options.ReadDirection.Should().Be(ReadReq.Types.Options.Types.ReadDirection.Backwards);
                await SendHistoryAsync(call, 1, 1); // as if the server's backward start were inclusive
                await SendHistoryAsync(call, 0, 0);
            }
            await call.FinishAsync();
        });
        using var store = Adapter(server);
        var events = await store.ReadAllAsync(901, Direction.Backwards, 10).ToListAsync();
        events.Select(e => e.GlobalPosition).Should().Equal(901, 733);
    }

    // ---- subscriptions ----

    [Fact]
    public async Task A_stream_subscription_delivers_history_one_caught_up_then_live_events_until_cancelled()
    {
        var serverSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            foreach (var m in GoldenPayloads.Responses("subscribe-stream-from-start")) await call.SendRawAsync(m.Payload);
            await sendLive.Task;
            await call.SendAsync(LiveEvent());
            await call.WaitForClientToLeaveAsync();
            serverSawCancel.TrySetResult();
        });
        using var store = Adapter(server);
        using var cts = new CancellationTokenSource(TestTimeout);
        var received = new List<SubscriptionMessage>();
        await foreach (var message in store.SubscribeToStreamAsync("room-golden", null, cts.Token))
        {
            received.Add(message);
            if (message is SubscriptionMessage.CaughtUp) sendLive.SetResult();
            if (received.Count == 5) break; // leaving the loop disposes the call
        }
        received.Take(3).Cast<SubscriptionMessage.Event>().Select(e => e.Recorded.Revision).Should().Equal(0, 1, 2);
        received[3].Should().Be(new SubscriptionMessage.CaughtUp(2));
        ((SubscriptionMessage.Event)received[4]).Recorded.Revision.Should().Be(3);
        ReadReq.Parser.ParseFrom(server.Calls.Single().Received.Single())
            .Should().Be(ReadReq.Parser.ParseFrom(GoldenPayloads.Requests("subscribe-stream-from-start").Single().Payload));
        await serverSawCancel.Task.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task A_dropped_stream_subscription_backs_off_and_resumes_after_the_last_event_without_repeats_or_a_second_caught_up()
    {
        var clientHasRevision1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            switch (n)
            {
                case 0: // history up to revision 1, then the connection is reset
                    await call.SendAsync(Confirmation());
                    await SendHistoryAsync(call, 0, 1);
                    await clientHasRevision1.Task; // a reset may overtake data still queued, so drop only once it arrived
                    call.Abort();
                    break;
                case 1: // the server is "down": refuses outright
                    call.FailTrailersOnly(14, "Server Is Not Ready");
                    break;
                case 2: // back: resumes after revision 1; replays revision 1 (must not be delivered twice), then the rest
                    request.Options.Stream.Revision.Should().Be(1);
                    await call.SendAsync(Confirmation());
                    await SendHistoryAsync(call, 1, 2);
                    await call.SendAsync(CaughtUp());
                    await call.SendAsync(LiveEvent());
                    await call.SendAsync(CaughtUp()); // e.g. after a fell-behind: the port promises one
                    await call.SendAsync(LiveEvent());
                    await call.WaitForClientToLeaveAsync();
                    break;
            }
        });
        using var store = Adapter(server, s => s with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource(TestTimeout);
        var received = new List<SubscriptionMessage>();
        await foreach (var message in store.SubscribeToStreamAsync("room-golden", null, cts.Token))
        {
            received.Add(message);
            if (message is SubscriptionMessage.Event { Recorded.Revision: 1 }) clientHasRevision1.TrySetResult();
            if (message is SubscriptionMessage.Event { Recorded.Revision: 3 }) break;
        }
        received.Select(m => m is SubscriptionMessage.Event e ? $"e{e.Recorded.Revision}" : "caught-up").Should().Equal("e0", "e1", "e2", "caught-up", "e3");
        received[3].Should().Be(new SubscriptionMessage.CaughtUp(2));
        var starts = server.Calls.Select(c => c.StartedAt).ToList();
        starts.Should().HaveCount(3);
        (starts[1] - starts[0]).Should().BeGreaterThan(TimeSpan.FromMilliseconds(150), "the first retry waits the initial delay (±20% jitter)");
        (starts[2] - starts[1]).Should().BeGreaterThan(TimeSpan.FromMilliseconds(300), "consecutive failures double the delay");
    }

    [Fact]
    public async Task An_all_subscription_resumes_after_the_last_event_seen_not_a_later_checkpoint_and_filters_types_on_the_client()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            var request = await call.ReadSingleAsync(ReadReq.Parser);
            request.Options.Filter.StreamIdentifier.Prefix.Should().Equal("room-");
            request.Options.CountOptionCase.Should().Be(ReadReq.Types.Options.CountOptionOneofCase.Subscription);
            if (n == 0)
            {
                request.Options.All.AllOptionCase.Should().Be(ReadReq.Types.Options.Types.AllOptions.AllOptionOneofCase.Start);
                await call.SendAsync(Confirmation());
                await SendHistoryAsync(call, 0, 1);
                await call.SendAsync(Checkpoint(1000));
                await call.FinishAsync(14, "leader lost");
            }
            else
            {
                // 901 was seen (and dropped by the type check); the checkpoint at 1000 may be where the next event lands.
                request.Options.All.Position.Should().Be(new ReadReq.Types.Options.Types.Position { CommitPosition = 901, PreparePosition = 901 });
                await call.SendAsync(Confirmation());
                await SendHistoryAsync(call, 2, 2);
                await call.SendAsync(CaughtUp());
                await call.WaitForClientToLeaveAsync();
            }
        });
        using var store = Adapter(server, s => s with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource(TestTimeout);
        var received = new List<SubscriptionMessage>();
        var filter = new EventFilter(["room-"], ["DocumentUpdated", "CursorMoved"]);
        await foreach (var message in store.SubscribeToAllAsync(null, filter, cts.Token))
        {
            received.Add(message);
            if (message is SubscriptionMessage.CaughtUp) break;
        }
        received.OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.GlobalPosition).Should().Equal(733, 1035);
        received.Last().Should().Be(new SubscriptionMessage.CaughtUp(1035));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a confirmation alone is no progress: it must not reset the count
    public async Task A_subscription_gives_up_after_the_configured_reconnects(bool confirmFirst)
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            if (!confirmFirst)
            {
                call.FailTrailersOnly(14, "Server Is Not Ready");
                return;
            }
            await call.SendAsync(Confirmation());
            await call.FinishAsync(14, "Server Is Not Ready");
        });
        using var store = Adapter(server, s => s with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(10), MaxReconnectAttempts = 2 });
        using var cts = new CancellationTokenSource(TestTimeout);
        var act = () => store.SubscribeToAllAsync(500, null, cts.Token).ToListAsync().AsTask();
        (await act.Should().ThrowAsync<EventStoreUnavailableException>()).Which.Message.Should().Contain("2 reconnect attempts");
        server.Calls.Should().HaveCount(3);
        ReadReq.Parser.ParseFrom(server.Calls.First().Received.Single()).Options.All.Position.CommitPosition.Should().Be(500);
    }

    [Fact]
    public async Task A_subscription_denied_access_fails_at_once_without_reconnecting()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            call.FailTrailersOnly(7, "Access Denied", ("exception", "access-denied"));
        });
        using var store = Adapter(server, s => s with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource(TestTimeout);
        var act = () => store.SubscribeToStreamAsync("room-golden", 4, cts.Token).ToListAsync().AsTask();
        await act.Should().ThrowAsync<AccessDeniedException>();
        server.Calls.Should().HaveCount(1);
    }

    // ---- TLS ----

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=peercode-test-esdb", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task Tls_trusts_the_ca_file_refuses_unknown_certificates_and_can_be_told_not_to_verify()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            await call.ReadAllAsync();
            await call.SendRawAsync(Recorded("read-missing-stream"));
            await call.FinishAsync();
        }, certificate);
        var caFile = Path.Combine(Path.GetTempPath(), $"peercode-esdb-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            using (var trusted = Adapter(server, credentials: "admin:changeit", options: $"tlsCaFile={Uri.EscapeDataString(caFile)}"))
                (await trusted.ReadStreamAsync("room-missing", 0, Direction.Forwards, 10).ToListAsync()).Should().BeEmpty();

            using (var unverified = Adapter(server, options: "tls=true&tlsVerifyCert=false"))
                (await unverified.ReadStreamAsync("room-missing", 0, Direction.Forwards, 10).ToListAsync()).Should().BeEmpty();

            using (var strict = Adapter(server, options: "tls=true"))
                await FluentActions.Awaiting(() => strict.ReadStreamAsync("room-missing", 0, Direction.Forwards, 10).ToListAsync().AsTask())
                    .Should().ThrowAsync<EventStoreUnavailableException>();

            server.Calls.Should().HaveCount(2);
            server.Calls.First().Header("authorization").Should().StartWith("Basic ");
        }
        finally
        {
            File.Delete(caFile);
        }
    }
}
