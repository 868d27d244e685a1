using System.Text;
using FluentAssertions;
using Google.Protobuf;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore.EventStoreDb;
using PeerCode.Infrastructure.EventStore.EventStoreDb.Protocol.Streams;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// The adapter's requests against the ones a real EventStoreDB 23.10.8 accepted, and its decoding of every response
/// that server sent. Requests carry no positions or times, and event ids are the client's choice, so the recorded ids
/// are reused and requests must match exactly (as decoded messages: the recorder also wrote proto3 default values,
/// which Google.Protobuf leaves out, so raw bytes are compared after one parse/serialize round).
/// </summary>
public sealed class GoldenPayloadTests
{
    private static readonly Guid DocumentUpdatedId = Guid.Parse("0e6f0d8a-5b6c-4f1e-9d3a-2b1c0d9e8f7a");
    private static readonly Guid ChatPostedId = Guid.Parse("5f2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    private static readonly Guid CursorMovedId = Guid.Parse("ffffffff-ffff-ffff-0000-00000000002a");

    private static readonly EventData DocumentUpdated = new(DocumentUpdatedId, "DocumentUpdated",
        Encoding.UTF8.GetBytes("""{"update":"AQHW4MaWCAAEAQF0AmhpAA=="}"""), new EventMetadata(UserId: "u1"));
    private static readonly EventData ChatPosted = new(ChatPostedId, "ChatMessagePosted",
        Encoding.UTF8.GetBytes("""{"text":"hello"}"""), EventMetadata.Empty);
    private static readonly EventData CursorMoved = new(CursorMovedId, "CursorMoved", new byte[] { 1, 2, 3 }, EventMetadata.Empty);

    private static void ShouldEqualRecorded<T>(IReadOnlyList<T> built, IReadOnlyList<GoldenPayloads.Message> recorded, MessageParser<T> parser)
        where T : IMessage<T>
    {
        built.Should().HaveCount(recorded.Count);
        for (var i = 0; i < built.Count; i++)
        {
            var expected = parser.ParseFrom(recorded[i].Payload);
            built[i].Should().Be(expected, $"message {i} of '{recorded[i].Name}' must be what the server accepted");
            Convert.ToHexString(built[i].ToByteArray()).Should().Be(Convert.ToHexString(expected.ToByteArray()));
        }
    }

    [Fact]
    public void Append_to_a_new_stream_sends_the_recorded_options_and_proposed_messages()
    {
        var built = EventStoreDbMessages.Append("room-golden", ExpectedRevision.NoStream, [DocumentUpdated, ChatPosted], UuidWireFormat.String);
        ShouldEqualRecorded(built, GoldenPayloads.Requests("append-new-stream-two-events"), AppendReq.Parser);
    }

    [Fact]
    public void Append_with_a_wrong_expectation_sends_the_recorded_request()
    {
        var x = new EventData(Guid.Parse("11111111-2222-4333-8444-555555555555"), "X", "{}"u8.ToArray(), EventMetadata.Empty);
        var built = EventStoreDbMessages.Append("room-golden", ExpectedRevision.NoStream, [x], UuidWireFormat.String);
        ShouldEqualRecorded(built, GoldenPayloads.Requests("append-wrong-expected-version"), AppendReq.Parser);
    }

    [Fact]
    public void Append_at_revision_1_of_binary_data_with_structured_ids_sends_the_recorded_request()
    {
        // The port only takes JSON; the recording's one binary event still pins down the rest of the encoding.
        var built = EventStoreDbMessages.Append("room-golden", ExpectedRevision.Exact(1), [CursorMoved], UuidWireFormat.Structured,
            EventStoreDbMessages.BinaryContentType);
        ShouldEqualRecorded(built, GoldenPayloads.Requests("append-expected-revision-1-binary-structured-uuid"), AppendReq.Parser);
    }

    [Fact]
    public void Reads_and_subscriptions_send_the_recorded_requests()
    {
        ShouldEqualRecorded([EventStoreDbMessages.ReadStream("room-golden", StreamPosition.Start, Direction.Forwards, 10, UuidWireFormat.String)],
            GoldenPayloads.Requests("read-stream-forwards"), ReadReq.Parser);
        ShouldEqualRecorded([EventStoreDbMessages.ReadStream("room-golden", StreamPosition.End, Direction.Backwards, 1, UuidWireFormat.Structured)],
            GoldenPayloads.Requests("read-stream-backwards-last-structured-uuid"), ReadReq.Parser);
        ShouldEqualRecorded([EventStoreDbMessages.ReadStream("room-missing", StreamPosition.Start, Direction.Forwards, 10, UuidWireFormat.String)],
            GoldenPayloads.Requests("read-missing-stream"), ReadReq.Parser);
        ShouldEqualRecorded([EventStoreDbMessages.ReadAll(null, Direction.Forwards, 3, ServerFilter.From(EventFilter.StreamPrefix("room-")), UuidWireFormat.String)],
            GoldenPayloads.Requests("read-all-filtered-prefix-room"), ReadReq.Parser);
        ShouldEqualRecorded([EventStoreDbMessages.SubscribeToStream("room-golden", null, UuidWireFormat.String)],
            GoldenPayloads.Requests("subscribe-stream-from-start"), ReadReq.Parser);
    }

    [Fact]
    public void Our_protos_decode_every_recorded_message_as_the_recorder_did()
    {
        foreach (var m in GoldenPayloads.Messages)
        {
            IMessage parsed = m.Type switch
            {
                "event_store.client.streams.AppendReq" => AppendReq.Parser.ParseFrom(m.Payload),
                "event_store.client.streams.AppendResp" => AppendResp.Parser.ParseFrom(m.Payload),
                "event_store.client.streams.ReadReq" => ReadReq.Parser.ParseFrom(m.Payload),
                "event_store.client.streams.ReadResp" => ReadResp.Parser.ParseFrom(m.Payload),
                _ => throw new InvalidOperationException($"Unexpected recorded type {m.Type}"),
            };
            GoldenPayloads.AssertSameDecoding(GoldenPayloads.ToRecorderJson(parsed), m.Decoded, $"{m.Name}/{m.Direction}");
        }
    }

    [Fact]
    public void Recorded_append_successes_map_to_the_last_revision_and_its_commit_position()
    {
        var two = AppendResp.Parser.ParseFrom(GoldenPayloads.Responses("append-new-stream-two-events").Single().Payload);
        EventStoreDbMessages.ToAppendResult(two, "room-golden", ExpectedRevision.NoStream).Should().Be(new AppendResult(1, 901));

        var third = AppendResp.Parser.ParseFrom(GoldenPayloads.Responses("append-expected-revision-1-binary-structured-uuid").Single().Payload);
        EventStoreDbMessages.ToAppendResult(third, "room-golden", ExpectedRevision.Exact(1)).Should().Be(new AppendResult(2, 1035));
    }

    [Fact]
    public void Recorded_wrong_expected_version_maps_to_the_port_error_with_the_actual_revision()
    {
        var response = AppendResp.Parser.ParseFrom(GoldenPayloads.Responses("append-wrong-expected-version").Single().Payload);
        var act = () => EventStoreDbMessages.ToAppendResult(response, "room-golden", ExpectedRevision.NoStream);
        var error = act.Should().Throw<WrongExpectedRevisionException>().Which;
        error.ActualRevision.Should().Be(1);
        error.Stream.Should().Be("room-golden");
        error.Expected.Should().Be(ExpectedRevision.NoStream);
    }

    /// <summary>The three events of room-golden exactly as the port must see them, whichever UUID form carried the id.</summary>
    internal static void ShouldBeRoomGoldenEvent(RecordedEvent e, int revision)
    {
        e.Stream.Should().Be("room-golden");
        e.Revision.Should().Be(revision);
        switch (revision)
        {
            case 0:
                e.EventId.Should().Be(DocumentUpdatedId);
                e.Type.Should().Be("DocumentUpdated");
                e.GlobalPosition.Should().Be(733);
                e.Data.ToArray().Should().Equal(DocumentUpdated.Data.ToArray());
                e.Metadata.Should().Be(new EventMetadata(UserId: "u1"));
                e.RecordedAt.Should().Be(DateTimeOffset.UnixEpoch.AddTicks(17953002118755423));
                break;
            case 1:
                e.EventId.Should().Be(ChatPostedId);
                e.Type.Should().Be("ChatMessagePosted");
                e.GlobalPosition.Should().Be(901);
                e.Data.ToArray().Should().Equal(ChatPosted.Data.ToArray());
                e.Metadata.Should().BeSameAs(EventMetadata.Empty);
                e.RecordedAt.Should().Be(DateTimeOffset.UnixEpoch.AddTicks(17953002118755811));
                break;
            case 2:
                e.EventId.Should().Be(CursorMovedId);
                e.Type.Should().Be("CursorMoved");
                e.GlobalPosition.Should().Be(1035);
                e.Data.ToArray().Should().Equal(1, 2, 3);
                e.Metadata.Should().BeSameAs(EventMetadata.Empty);
                e.RecordedAt.Should().Be(DateTimeOffset.UnixEpoch.AddTicks(17953002119298261));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(revision));
        }
    }

    [Theory]
    [InlineData("read-stream-forwards", new[] { 0, 1, 2 })]
    [InlineData("read-stream-backwards-last-structured-uuid", new[] { 2 })]
    [InlineData("read-all-filtered-prefix-room", new[] { 0, 1, 2 })]
    public void Recorded_read_events_decode_to_the_appended_events(string scenario, int[] revisions)
    {
        var events = GoldenPayloads.Responses(scenario)
            .Select(m => ReadResp.Parser.ParseFrom(m.Payload))
            .Select(r => EventStoreDbMessages.ToRecordedEvent(r.Event).Event)
            .ToList();
        events.Select(e => (int)e.Revision).Should().Equal(revisions);
        foreach (var e in events) ShouldBeRoomGoldenEvent(e, (int)e.Revision);
    }

    [Fact]
    public void Recorded_subscription_is_a_confirmation_then_the_history_then_caught_up()
    {
        var responses = GoldenPayloads.Responses("subscribe-stream-from-start").Select(m => ReadResp.Parser.ParseFrom(m.Payload)).ToList();
        responses.Select(r => r.ContentCase).Should().Equal(
            ReadResp.ContentOneofCase.Confirmation, ReadResp.ContentOneofCase.Event, ReadResp.ContentOneofCase.Event,
            ReadResp.ContentOneofCase.Event, ReadResp.ContentOneofCase.CaughtUp);
        for (var i = 1; i <= 3; i++) ShouldBeRoomGoldenEvent(EventStoreDbMessages.ToRecordedEvent(responses[i].Event).Event, i - 1);
    }

    [Fact]
    public void Recorded_missing_stream_answer_is_stream_not_found_for_that_stream()
    {
        var response = ReadResp.Parser.ParseFrom(GoldenPayloads.Responses("read-missing-stream").Single().Payload);
        response.ContentCase.Should().Be(ReadResp.ContentOneofCase.StreamNotFound);
        response.StreamNotFound.StreamIdentifier.StreamName.ToStringUtf8().Should().Be("room-missing");
    }

    [Fact]
    public void Structured_ids_are_the_big_endian_halves_of_the_rfc_4122_bytes()
    {
        var uuid = EventStoreDbMessages.ToUuid(CursorMovedId, UuidWireFormat.Structured);
        uuid.Structured.MostSignificantBits.Should().Be(-1);
        uuid.Structured.LeastSignificantBits.Should().Be(42);
        var random = Guid.NewGuid();
        EventStoreDbMessages.FromUuid(EventStoreDbMessages.ToUuid(random, UuidWireFormat.Structured)).Should().Be(random);
        EventStoreDbMessages.FromUuid(EventStoreDbMessages.ToUuid(random, UuidWireFormat.String)).Should().Be(random);
    }

    [Fact]
    public void Every_metadata_field_survives_the_custom_metadata_json()
    {
        var metadata = new EventMetadata(Guid.NewGuid(), Guid.NewGuid(), "user-7", new DateTimeOffset(2026, 11, 21, 23, 50, 1, 123, TimeSpan.FromHours(2)), "node-a");
        var json = EventStoreDbMessages.WriteMetadata(metadata);
        EventStoreDbMessages.ReadMetadata(json.Span).Should().Be(metadata);
        json.ToStringUtf8().Should().Contain("\"$correlationId\"").And.Contain("\"$causationId\"");
        EventStoreDbMessages.WriteMetadata(EventMetadata.Empty).IsEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2]")]
    [InlineData("{\"$correlationId\":42,\"other\":{\"x\":1}}")]
    public void Foreign_custom_metadata_reads_as_no_metadata(string raw)
    {
        EventStoreDbMessages.ReadMetadata(Encoding.UTF8.GetBytes(raw)).Should().Be(EventMetadata.Empty);
    }

    [Fact]
    public void Recorded_wrong_expected_version_under_expectation_any_is_an_overlapping_retry_and_so_bad_input()
    {
        var response = AppendResp.Parser.ParseFrom(GoldenPayloads.Responses("append-wrong-expected-version").Single().Payload);
        var act = () => EventStoreDbMessages.ToAppendResult(response, "room-golden", ExpectedRevision.Any);
        act.Should().Throw<InvalidAppendException>().Which.Message.Should().Contain("repeats event ids");
    }

    [Fact]
    public void Filters_split_between_server_and_client_and_exclude_system_events_by_default()
    {
        var none = ServerFilter.From(null).ToProto();
        none.EventType.Regex.Should().Be(@"^[^\$].*");

        var types = ServerFilter.From(EventFilter.Types("room.a.v1", "x+y")).ToProto();
        types.EventType.Regex.Should().Be(@"^(?:room\.a\.v1|x\+y)$");
        System.Text.RegularExpressions.Regex.IsMatch("room.a.v10", types.EventType.Regex).Should().BeFalse();

        var both = ServerFilter.From(new EventFilter(["room-"], ["room.a.v1"]));
        both.ToProto().StreamIdentifier.Prefix.Should().Equal("room-");
        both.Accepts(new RecordedEvent(Guid.NewGuid(), "room-1", 0, 0, "room.b.v1", default, EventMetadata.Empty, default)).Should().BeFalse();
        both.Accepts(new RecordedEvent(Guid.NewGuid(), "room-1", 0, 0, "room.a.v1", default, EventMetadata.Empty, default)).Should().BeTrue();
    }
}
