using System.Text;
using FluentAssertions;
using Google.Protobuf.WellKnownTypes;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;
using Xunit;
using RpcStatus = PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Rpc.Status;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>batchAppend=true: appends multiplexed on one bidirectional BatchAppend call over real HTTP/2.</summary>
public sealed class BatchAppendTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    private static EventData Event(string json = "{}") => new(Guid.NewGuid(), "room.chat-posted.v1", Encoding.UTF8.GetBytes(json), new EventMetadata(UserId: "u1"));

    private static EventStoreDbEventStore Adapter(FakeEventStoreDb server) =>
        EventStoreDbEventStore.Connect(server.ConnectionString("tls=false&batchAppend=true", "admin:changeit"));

    private static BatchAppendResp Success(BatchAppendReq request, ulong revision, ulong position) => new()
    {
        CorrelationId = request.CorrelationId,
        StreamIdentifier = request.Options.StreamIdentifier,
        Success = new BatchAppendResp.Types.Success { CurrentRevision = revision, Position = new AllStreamPosition { CommitPosition = position, PreparePosition = position } },
    };

    [Fact]
    public async Task Concurrent_appends_share_one_call_and_each_gets_its_own_answer_whatever_the_order()
    {
        const int appends = 20;
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            var received = new List<BatchAppendReq>();
            while (received.Count < appends && await call.ReadNextAsync() is { } frame) received.Add(BatchAppendReq.Parser.ParseFrom(frame));
            // Answer in reverse order: the adapter must match answers to appends by correlation id.
            foreach (var request in Enumerable.Reverse(received))
            {
                var n = ulong.Parse(request.Options.StreamIdentifier.StreamName.ToStringUtf8()["room-".Length..]);
                await call.SendAsync(Success(request, n, 1000 + n));
            }
            await call.WaitForClientToLeaveAsync();
        });
        using var store = Adapter(server);
        var results = await Task.WhenAll(Enumerable.Range(0, appends)
            .Select(i => store.AppendAsync($"room-{i}", ExpectedRevision.Any, [Event()])));
        results.Should().Equal(Enumerable.Range(0, appends).Select(i => new AppendResult(i, 1000 + i)));

        var batchCall = server.Calls.Single();
        batchCall.Path.Should().Be("/event_store.client.streams.Streams/BatchAppend");
        batchCall.Header("authorization").Should().StartWith("Basic ");
        var first = BatchAppendReq.Parser.ParseFrom(batchCall.Received[0]);
        first.IsFinal.Should().BeTrue();
        first.Options.ExpectedStreamPositionCase.Should().Be(BatchAppendReq.Types.Options.ExpectedStreamPositionOneofCase.Any);
        first.Options.Deadline.Should().Be(Duration.FromTimeSpan(TimeSpan.FromSeconds(10)));
        first.ProposedMessages.Single().Metadata["content-type"].Should().Be("application/json");
    }

    [Fact]
    public async Task A_wrong_expected_version_status_maps_to_the_port_error_with_the_actual_revision()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            while (await call.ReadNextAsync() is { } frame)
            {
                var request = BatchAppendReq.Parser.ParseFrom(frame);
                request.Options.StreamPosition.Should().Be(4);
                await call.SendAsync(new BatchAppendResp
                {
                    CorrelationId = request.CorrelationId,
                    Error = new RpcStatus
                    {
                        Code = 6,
                        Message = "WrongExpectedVersion",
                        Details = Any.Pack(new WrongExpectedVersion { CurrentStreamRevision = 9, ExpectedStreamPosition = 4 }),
                    },
                });
            }
        });
        using var store = Adapter(server);
        var act = () => store.AppendAsync("room-1", ExpectedRevision.Exact(4), [Event()]);
        var error = (await act.Should().ThrowAsync<WrongExpectedRevisionException>()).Which;
        error.ActualRevision.Should().Be(9);
        error.Expected.Should().Be(ExpectedRevision.Exact(4));
    }

    [Fact]
    public async Task A_broken_call_fails_the_waiting_appends_as_unavailable_and_the_next_append_opens_a_new_call()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, n) =>
        {
            if (n == 0)
            {
                await call.ReadNextAsync();
                call.Abort();
                return;
            }
            while (await call.ReadNextAsync() is { } frame) await call.SendAsync(Success(BatchAppendReq.Parser.ParseFrom(frame), 0, 77));
        });
        using var store = Adapter(server);
        var first = () => store.AppendAsync("room-1", ExpectedRevision.NoStream, [Event()]);
        await first.Should().ThrowAsync<EventStoreUnavailableException>();
        var retried = await store.AppendAsync("room-1", ExpectedRevision.NoStream, [Event()]).WaitAsync(TestTimeout);
        retried.Should().Be(new AppendResult(0, 77));
        server.Calls.Should().HaveCount(2);
    }

    [Fact]
    public async Task Stream_deleted_and_access_denied_details_map_onto_the_port_errors()
    {
        await using var server = await FakeEventStoreDb.StartAsync(async (call, _) =>
        {
            while (await call.ReadNextAsync() is { } frame)
            {
                var request = BatchAppendReq.Parser.ParseFrom(frame);
                var deleted = request.Options.StreamIdentifier.StreamName.ToStringUtf8() == "room-deleted";
                await call.SendAsync(new BatchAppendResp
                {
                    CorrelationId = request.CorrelationId,
                    Error = deleted
                        ? new RpcStatus { Code = 9, Message = "stream deleted", Details = Any.Pack(new StreamDeleted { StreamIdentifier = request.Options.StreamIdentifier }) }
                        : new RpcStatus { Code = 7, Message = "Access Denied", Details = Any.Pack(new AccessDenied()) },
                });
            }
        });
        using var store = Adapter(server);
        (await FluentActions.Awaiting(() => store.AppendAsync("room-deleted", ExpectedRevision.Any, [Event()])).Should().ThrowAsync<StreamDeletedException>())
            .Which.Stream.Should().Be("room-deleted");
        await FluentActions.Awaiting(() => store.AppendAsync("room-private", ExpectedRevision.Any, [Event()])).Should().ThrowAsync<AccessDeniedException>();
        server.Calls.Should().HaveCount(1);
    }
}
