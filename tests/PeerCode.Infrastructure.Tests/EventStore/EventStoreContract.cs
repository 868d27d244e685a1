using System.Text;
using FluentAssertions;
using PeerCode.Application.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>
/// The contract every <see cref="IEventStore"/> adapter passes; an adapter's suite is a one-line subclass.
/// Each test uses its own stream names (and prefix filters for ReadAll), so an adapter may share one server between tests.
/// </summary>
public abstract partial class EventStoreContract<TFactory> : IAsyncLifetime where TFactory : IEventStoreFactory, new()
{
    protected const int OneMiB = 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TFactory _factory = new();
    private readonly string _prefix = $"t{Guid.NewGuid():N}-";

    protected IEventStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await _factory.StartAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    // ---------- append and expected revisions ----------

    [AdapterFact]
    public async Task Append_to_a_new_stream_with_NoStream_returns_revision_0_and_a_positive_position()
    {
        var stream = NewStream();

        var result = await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);

        result.NextExpectedRevision.Should().Be(0);
        result.GlobalPosition.Should().BePositive();
        (await ReadStream(stream)).Should().ContainSingle().Which.GlobalPosition.Should().Be(result.GlobalPosition);
    }

    [AdapterFact]
    public async Task Append_of_several_events_stores_them_with_consecutive_revisions_and_increasing_positions()
    {
        var stream = NewStream();
        var events = Enumerable.Range(0, 5).Select(i => NewEvent(data: $"{{\"i\":{i}}}")).ToList();

        var result = await Store.AppendAsync(stream, ExpectedRevision.NoStream, events);

        var stored = await ReadStream(stream);
        result.NextExpectedRevision.Should().Be(4);
        stored.Select(e => e.Revision).Should().Equal(0, 1, 2, 3, 4);
        stored.Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        stored.Select(e => e.GlobalPosition).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        stored[^1].GlobalPosition.Should().Be(result.GlobalPosition);
    }

    [AdapterFact]
    public async Task Append_with_the_right_exact_revision_StreamExists_or_Any_extends_the_stream()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.Any, [NewEvent()]);
        (await Store.AppendAsync(stream, ExpectedRevision.Exact(0), [NewEvent()])).NextExpectedRevision.Should().Be(1);
        (await Store.AppendAsync(stream, ExpectedRevision.StreamExists, [NewEvent()])).NextExpectedRevision.Should().Be(2);
        (await Store.AppendAsync(stream, ExpectedRevision.Any, [NewEvent(), NewEvent()])).NextExpectedRevision.Should().Be(4);
        (await ReadStream(stream)).Should().HaveCount(5);
    }

    public static TheoryData<string, int, long> WrongExpectations => new()
    {
        // case, events already in the stream, the actual revision the error must carry
        { "NoStream on an existing stream", 2, 1 },
        { "StreamExists on a missing stream", 0, -1 },
        { "Exact 0 on a missing stream", 0, -1 },
        { "Exact 0 on a stream at 1 (stale)", 2, 1 },
        { "Exact 5 on a stream at 1 (ahead)", 2, 1 },
    };

    [AdapterTheory]
    [MemberData(nameof(WrongExpectations))]
    public async Task Append_with_a_wrong_expectation_fails_with_the_actual_revision_and_writes_nothing(string @case, int existing, long actual)
    {
        var stream = NewStream();
        if (existing > 0) await Store.AppendAsync(stream, ExpectedRevision.NoStream, Enumerable.Range(0, existing).Select(_ => NewEvent()).ToList());
        var expected = @case switch
        {
            "NoStream on an existing stream" => ExpectedRevision.NoStream,
            "StreamExists on a missing stream" => ExpectedRevision.StreamExists,
            "Exact 0 on a missing stream" or "Exact 0 on a stream at 1 (stale)" => ExpectedRevision.Exact(0),
            _ => ExpectedRevision.Exact(5),
        };
        var head = await HeadPosition();

        var act = () => Store.AppendAsync(stream, expected, [NewEvent()]);

        var error = (await act.Should().ThrowAsync<WrongExpectedRevisionException>()).Which;
        error.ActualRevision.Should().Be(actual);
        error.Stream.Should().Be(stream);
        error.Expected.Should().Be(expected);
        (await ReadStream(stream)).Should().HaveCount(existing);
        (await HeadPosition()).Should().Be(head);
    }

    [AdapterFact]
    public async Task Parallel_writers_with_the_same_expected_revision_have_exactly_one_winner()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        var attempts = Enumerable.Range(0, 24).Select(_ => NewEvent()).ToList();
        var gate = new TaskCompletionSource();

        var tasks = attempts.Select(async e =>
        {
            await gate.Task;
            return await Store.AppendAsync(stream, ExpectedRevision.Exact(0), [e]);
        }).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try { return (Result: (AppendResult?)await t, Error: (Exception?)null); }
            catch (WrongExpectedRevisionException e) { return (Result: null, Error: e); }
        }));

        outcomes.Count(o => o.Result is not null).Should().Be(1);
        outcomes.Where(o => o.Error is not null).Select(o => ((WrongExpectedRevisionException)o.Error!).ActualRevision)
            .Should().HaveCount(23).And.OnlyContain(r => r == 1);
        var winner = attempts[outcomes.ToList().FindIndex(o => o.Result is not null)];
        var stored = await ReadStream(stream);
        stored.Should().HaveCount(2);
        stored[1].EventId.Should().Be(winner.EventId);
    }

    [AdapterFact]
    public async Task Parallel_creators_of_one_stream_with_NoStream_have_exactly_one_winner()
    {
        var stream = NewStream();
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 16).Select(async _ =>
        {
            await gate.Task;
            try { await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent(), NewEvent()]); return true; }
            catch (WrongExpectedRevisionException e) when (e.ActualRevision == 1) { return false; }
        }).ToList();
        gate.SetResult();

        (await Task.WhenAll(tasks)).Count(won => won).Should().Be(1);
        (await ReadStream(stream)).Select(e => e.Revision).Should().Equal(0, 1);
    }

    // ---------- idempotency ----------

    [AdapterFact]
    public async Task Retrying_an_append_with_the_same_event_ids_returns_the_original_result_and_writes_nothing()
    {
        var stream = NewStream();
        var batch = new[] { NewEvent(), NewEvent() };
        var first = await Store.AppendAsync(stream, ExpectedRevision.NoStream, batch);
        var head = await HeadPosition();

        var retry = await Store.AppendAsync(stream, ExpectedRevision.NoStream, batch);

        retry.Should().Be(first);
        (await ReadStream(stream)).Should().HaveCount(2);
        (await HeadPosition()).Should().Be(head);
    }

    [AdapterFact]
    public async Task Retrying_an_exact_append_after_later_appends_still_returns_the_original_result()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        var batch = new[] { NewEvent() };
        var first = await Store.AppendAsync(stream, ExpectedRevision.Exact(0), batch);
        await Store.AppendAsync(stream, ExpectedRevision.Exact(1), [NewEvent(), NewEvent()]);

        var retry = await Store.AppendAsync(stream, ExpectedRevision.Exact(0), batch);
        var retryAny = await Store.AppendAsync(stream, ExpectedRevision.Any, batch);

        retry.Should().Be(first);
        retryAny.Should().Be(first);
        (await ReadStream(stream)).Should().HaveCount(4);
    }

    [AdapterFact]
    public async Task Concurrent_identical_appends_store_the_events_once_and_all_get_the_same_result()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        var batch = new[] { NewEvent(), NewEvent(), NewEvent() };
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 12).Select(async _ =>
        {
            await gate.Task;
            return await Store.AppendAsync(stream, ExpectedRevision.Any, batch);
        }).ToList();
        gate.SetResult();

        var results = await Task.WhenAll(tasks);

        results.Distinct().Should().ContainSingle().Which.NextExpectedRevision.Should().Be(3);
        (await ReadStream(stream)).Select(e => e.EventId).Skip(1).Should().Equal(batch.Select(e => e.EventId));
    }

    [AdapterFact]
    public async Task An_append_that_partly_overlaps_events_already_in_the_stream_fails_and_writes_nothing()
    {
        var stream = NewStream();
        var a = NewEvent();
        var b = NewEvent();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [a, b]);
        var head = await HeadPosition();

        var firstOld = () => Store.AppendAsync(stream, ExpectedRevision.Any, [a, NewEvent()]);
        var lastOld = () => Store.AppendAsync(stream, ExpectedRevision.Any, [NewEvent(), b]);
        var reordered = () => Store.AppendAsync(stream, ExpectedRevision.Any, [b, a]);

        await firstOld.Should().ThrowAsync<InvalidAppendException>();
        await lastOld.Should().ThrowAsync<InvalidAppendException>();
        await reordered.Should().ThrowAsync<InvalidAppendException>();
        (await ReadStream(stream)).Select(e => e.EventId).Should().Equal(a.EventId, b.EventId);
        (await HeadPosition()).Should().Be(head);
    }

    // ---------- reads ----------

    [AdapterFact]
    public async Task ReadStream_reads_forwards_and_backwards_from_any_revision_with_a_max_count()
    {
        var stream = NewStream();
        var events = Enumerable.Range(0, 10).Select(_ => NewEvent()).ToList();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, events.Take(4).ToList());
        await Store.AppendAsync(stream, ExpectedRevision.Exact(3), events.Skip(4).ToList());

        (await ReadStream(stream)).Select(e => e.EventId).Should().Equal(events.Select(e => e.EventId));
        (await ReadStream(stream, 3, Direction.Forwards, 2)).Select(e => e.Revision).Should().Equal(3, 4);
        (await ReadStream(stream, StreamPosition.End, Direction.Backwards, 3)).Select(e => e.Revision).Should().Equal(9, 8, 7);
        (await ReadStream(stream, 4, Direction.Backwards, 100)).Select(e => e.Revision).Should().Equal(4, 3, 2, 1, 0);
        (await ReadStream(stream, 10, Direction.Forwards, 5)).Should().BeEmpty();
        (await ReadStream(NewStream(), 0, Direction.Forwards, 5)).Should().BeEmpty();
    }

    [AdapterFact]
    public async Task ReadAll_returns_events_in_global_order_both_ways()
    {
        var streams = Enumerable.Range(0, 3).Select(_ => NewStream()).ToList();
        var appended = new List<Guid>();
        for (var i = 0; i < 9; i++)
        {
            var e = NewEvent();
            await Store.AppendAsync(streams[i % 3], ExpectedRevision.Any, [e]);
            appended.Add(e.EventId);
        }
        var mine = EventFilter.StreamPrefix(_prefix);

        var forwards = await ReadAll(StreamPosition.Start, Direction.Forwards, 1000, mine);
        var backwards = await ReadAll(StreamPosition.End, Direction.Backwards, 1000, mine);

        forwards.Select(e => e.EventId).Should().Equal(appended);
        forwards.Select(e => e.GlobalPosition).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        backwards.Select(e => e.EventId).Should().Equal(Enumerable.Reverse(appended));
        (await ReadAll(forwards[3].GlobalPosition, Direction.Forwards, 2, mine)).Select(e => e.EventId).Should().Equal(appended[3], appended[4]);
        (await ReadAll(forwards[3].GlobalPosition, Direction.Backwards, 2, mine)).Select(e => e.EventId).Should().Equal(appended[3], appended[2]);
    }

    [AdapterFact]
    public async Task ReadAll_filters_by_stream_prefix_and_by_event_type()
    {
        var rooms = NewStream("room");
        var others = NewStream("question");
        await Store.AppendAsync(rooms, ExpectedRevision.Any, [NewEvent("room.joined.v1"), NewEvent("room.left.v1")]);
        await Store.AppendAsync(others, ExpectedRevision.Any, [NewEvent("room.joined.v1"), NewEvent("question.added.v1")]);
        await Store.AppendAsync(rooms, ExpectedRevision.Any, [NewEvent("room.joined.v1")]);

        var byPrefix = await ReadAll(0, Direction.Forwards, 100, EventFilter.StreamPrefix(_prefix + "room"));
        var byType = await ReadAll(0, Direction.Forwards, 100, new EventFilter([_prefix], ["room.joined.v1"]));
        var byTypes = await ReadAll(0, Direction.Forwards, 100, new EventFilter([_prefix + "question", _prefix + "room"], ["question.added.v1", "room.left.v1"]));

        byPrefix.Select(e => e.Stream).Should().Equal(rooms, rooms, rooms);
        byType.Select(e => e.Stream).Should().Equal(rooms, others, rooms);
        byTypes.Select(e => e.Type).Should().Equal("room.left.v1", "question.added.v1");
    }

    [AdapterFact]
    public async Task Stored_events_carry_the_whole_envelope()
    {
        var stream = NewStream();
        var metadata = new EventMetadata(Guid.NewGuid(), Guid.NewGuid(), "user-7", new DateTimeOffset(2026, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)), "node-a");
        var sent = new EventData(Guid.NewGuid(), "room.chat-posted.v1", Encoding.UTF8.GetBytes("{\"text\":\"héllo\"}"), metadata);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await Store.AppendAsync(stream, ExpectedRevision.NoStream, [sent, NewEvent()]);

        var stored = (await ReadStream(stream))[0];
        stored.EventId.Should().Be(sent.EventId);
        stored.Stream.Should().Be(stream);
        stored.Revision.Should().Be(0);
        stored.GlobalPosition.Should().BeLessThan(result.GlobalPosition, "positions only grow; their spacing is the adapter's (byte offsets in EventStoreDB)");
        (await ReadStream(stream))[1].GlobalPosition.Should().Be(result.GlobalPosition);
        stored.Type.Should().Be("room.chat-posted.v1");
        stored.Data.ToArray().Should().Equal(sent.Data.ToArray());
        stored.Metadata.Should().Be(metadata);
        stored.Metadata.ClientTime!.Value.Offset.Should().Be(TimeSpan.FromHours(2));
        stored.RecordedAt.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        (await ReadStream(stream))[1].Metadata.Should().Be(EventMetadata.Empty);
    }

    [AdapterFact]
    public async Task An_append_cancelled_before_it_is_made_writes_nothing()
    {
        var stream = NewStream();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => Store.AppendAsync(stream, ExpectedRevision.Any, [NewEvent()], cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await ReadStream(stream)).Should().BeEmpty();
    }

    // ---------- limits and bad input ----------

    [AdapterFact]
    public async Task An_event_of_exactly_1_MiB_is_stored_and_read_back_intact()
    {
        var stream = NewStream();
        var data = JsonStringOfSize(OneMiB);

        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.NewGuid(), "blob.stored.v1", data, EventMetadata.Empty)]);

        var stored = await ReadStream(stream);
        stored.Should().ContainSingle().Which.Data.Length.Should().Be(OneMiB);
        stored[0].Data.Span.SequenceEqual(data).Should().BeTrue();
    }

    public static TheoryData<string> BadAppends => new()
    {
        "empty stream name", "blank stream name", "over-long stream name", "control character in stream name",
        "no events", "unknown expectation", "negative exact revision", "empty event id", "duplicate event ids",
        "empty type", "type with a space", "data that is not JSON", "empty data", "event over 1 MiB",
        "one bad event among good ones", "null metadata",
    };

    [AdapterTheory]
    [MemberData(nameof(BadAppends))]
    public async Task A_bad_append_fails_with_a_clear_error_and_writes_nothing(string @case)
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        var head = await HeadPosition();
        var (target, expected, events) = BadAppend(@case, stream);

        var act = () => Store.AppendAsync(target, expected, events);

        (await act.Should().ThrowAsync<InvalidAppendException>()).Which.Message.Should().NotBeNullOrWhiteSpace();
        (await ReadStream(stream)).Should().HaveCount(1);
        (await HeadPosition()).Should().Be(head);
    }

    private (string Stream, ExpectedRevision Expected, IReadOnlyList<EventData> Events) BadAppend(string @case, string stream)
    {
        var good = NewEvent();
        var any = ExpectedRevision.Any;
        return @case switch
        {
            "empty stream name" => ("", any, [good]),
            "blank stream name" => ("   ", any, [good]),
            "over-long stream name" => (stream + new string('x', 5000), any, [good]),
            "control character in stream name" => (stream + "\n", any, [good]),
            "no events" => (stream, any, []),
            "unknown expectation" => (stream, new ExpectedRevision((ExpectedKind)42, 0), [good]),
            "negative exact revision" => (stream, new ExpectedRevision(ExpectedKind.Exact, -3), [good]),
            "empty event id" => (stream, any, [good with { EventId = Guid.Empty }]),
            "duplicate event ids" => (stream, any, [good, good with { Type = "other.v1" }]),
            "empty type" => (stream, any, [good with { Type = "" }]),
            "type with a space" => (stream, any, [good with { Type = "room joined" }]),
            "data that is not JSON" => (stream, any, [good with { Data = "{\"a\":"u8.ToArray() }]),
            "empty data" => (stream, any, [good with { Data = ReadOnlyMemory<byte>.Empty }]),
            "event over 1 MiB" => (stream, any, [good with { Data = JsonStringOfSize(OneMiB + 1) }]),
            "one bad event among good ones" => (stream, any, [good, NewEvent(), NewEvent() with { Data = "nope"u8.ToArray() }]),
            "null metadata" => (stream, any, [good with { Metadata = null! }]),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "unknown case"),
        };
    }

    // ---------- helpers ----------

    protected string NewStream(string kind = "s") => $"{_prefix}{kind}-{Guid.NewGuid():N}";

    protected static EventData NewEvent(string type = "test.happened.v1", string data = "{\"ok\":true}") =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(data), EventMetadata.Empty);

    protected static byte[] JsonStringOfSize(int bytes)
    {
        var data = new byte[bytes];
        data.AsSpan().Fill((byte)'a');
        data[0] = (byte)'"';
        data[^1] = (byte)'"';
        return data;
    }

    protected Task<List<RecordedEvent>> ReadStream(string stream, long from = 0, Direction direction = Direction.Forwards, int max = int.MaxValue) =>
        ToList(Store.ReadStreamAsync(stream, from, direction, max));

    protected Task<List<RecordedEvent>> ReadAll(long from, Direction direction, int max, EventFilter? filter = null) =>
        ToList(Store.ReadAllAsync(from, direction, max, filter));

    /// <summary>The last global position among this test class's own streams (0 when none): a shared server's other writers do not move it.</summary>
    protected async Task<long> HeadPosition() =>
        (await ReadAll(StreamPosition.End, Direction.Backwards, 1, EventFilter.StreamPrefix(_prefix))).SingleOrDefault()?.GlobalPosition ?? 0;

    private static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
