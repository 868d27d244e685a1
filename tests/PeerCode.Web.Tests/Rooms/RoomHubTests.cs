using System.Text.Json;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.EventStore;
using Xunit;

namespace PeerCode.Web.Tests.Rooms;

/// <summary>The hub driven by the npm SignalR client with yjs and y-protocols, against real server processes on a real SQLite store.</summary>
public sealed class RoomHubTests
{
    [Fact]
    public async Task Concurrent_editors_typing_and_deleting_at_once_end_with_the_same_text_and_a_late_joiner_gets_it()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var result = await HubScenario.RunAsync("converge", server.BaseUrl, new { clients = 3, edits = 40 });

        var texts = result.Strings("texts");
        texts.Should().HaveCount(3).And.OnlyContain(t => t == texts[0]);
        texts[0].Should().Contain("<0.39>").And.Contain("<1.39>").And.Contain("<2.39>");
        result.GetProperty("late").GetString().Should().Be(texts[0]);
        result.Strings("failures").Should().BeEmpty();
    }

    [Fact]
    public async Task An_observer_is_read_only_its_update_and_sync_step_2_are_refused_with_the_reason_and_nobody_sees_them()
    {
        await using var server = await ServerProcess.StartAsync(Repo.NewDataDirectory());
        var result = await HubScenario.RunAsync("observer", server.BaseUrl);

        result.GetProperty("observerRole").GetString().Should().Be("observer");
        result.Strings("failures").Should().HaveCount(2).And.OnlyContain(f => f.Contains("read-only: Observers can watch but not edit"));
        result.GetProperty("writerText").GetString().Should().Be("hello");
        result.GetProperty("freshText").GetString().Should().Be("hello");
        result.Strings("chats").Should().Equal("observers may chat");
        result.GetProperty("observerClosed").GetBoolean().Should().BeFalse("a refused edit is not hostile");
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_hostile_senders_are_disconnected_and_the_stream_and_the_other_client_are_untouched()
    {
        var data = Repo.NewDataDirectory();
        JsonElement result;
        await using (var server = await ServerProcess.StartAsync(data))
            result = await HubScenario.RunAsync("bad", server.BaseUrl);

        var cases = result.GetProperty("cases");
        void Hostile(string name, string code)
        {
            var c = cases.GetProperty(name);
            c.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).Should().Equal([code], name);
            c.GetProperty("closed").GetBoolean().Should().BeTrue($"{name} is hostile");
        }
        Hostile("randomUpdate", "malformed-message");
        Hostile("randomUpdate2", "invalid-update");
        Hostile("randomMessage", "malformed-message");
        Hostile("truncatedVarint", "malformed-message");
        Hostile("unknownType", "unknown-message-type");
        Hostile("notBase64", "malformed-message");
        Hostile("huge", "message-too-large");
        cases.GetProperty("chatTooLong").Strings("failures").Should().ContainSingle().Which.Should().Contain("chat-too-long");
        cases.GetProperty("chatTooLong").GetProperty("closed").GetBoolean().Should().BeFalse();
        var wrong = cases.GetProperty("wrongToken").Strings("failures");
        wrong.Should().HaveCount(2);
        wrong[0].Should().Contain("invalid-token");
        wrong[1].Should().Contain("not-joined", "a refused join leaves the connection outside the room");

        result.Strings("bystanderFailures").Should().BeEmpty();
        result.GetProperty("bystanderOpen").GetBoolean().Should().BeTrue();
        result.GetProperty("text").GetString().Should().Be("safe still editing");

        // The stream holds the bystander's edits and the probes' joins and leaves, nothing they sent after joining.
        var events = await ReadRoomAsync(data, Guid.Parse(result.GetProperty("roomId").GetString()!));
        var names = events.OfType<ParticipantJoined>().ToDictionary(j => j.ParticipantId, j => j.Name);
        events.OfType<DocumentUpdated>().Select(u => names[u.ParticipantId]).Distinct().Should().Equal("bystander");
        events.OfType<ChatMessagePosted>().Should().BeEmpty();
        events.OfType<AwarenessUpdated>().Should().BeEmpty();
    }

    [Fact]
    public async Task A_cursor_move_is_stored_with_its_absolute_line_and_column_decoded_from_the_yjs_relative_positions()
    {
        var data = Repo.NewDataDirectory();
        JsonElement result;
        await using (var server = await ServerProcess.StartAsync(data))
            result = await HubScenario.RunAsync("cursor", server.BaseUrl);

        result.Strings("failures").Should().BeEmpty();
        var events = await ReadRoomAsync(data, Guid.Parse(result.GetProperty("roomId").GetString()!));
        var moves = events.OfType<AwarenessUpdated>().Where(a => a.Cursor is not null).ToList();
        moves.Should().NotBeEmpty();
        moves[^1].Cursor.Should().Be(new TextPosition(2, 4));
        moves[^1].SelectionStart.Should().Be(new TextPosition(2, 2));
        moves[^1].SelectionEnd.Should().Be(new TextPosition(2, 4));
        events.OfType<AwarenessUpdated>().Last().Cursor.Should().BeNull("leaving removes the awareness state");
    }

    [Fact]
    public async Task After_a_server_restart_the_room_text_is_identical()
    {
        var data = Repo.NewDataDirectory();
        JsonElement written;
        var pieces = Enumerable.Range(0, 120).Select(i => $"line {i}\n").ToArray();
        // Snapshots every 25 updates, so the reload starts from a snapshot and replays the rest.
        string[] args = ["--PeerCode:Rooms:SnapshotEvery", "25"];
        await using (var server = await ServerProcess.StartAsync(data, args))
            written = await HubScenario.RunAsync("write", server.BaseUrl, new { pieces, deleteFirst = 7 });

        var events = await ReadRoomAsync(data, Guid.Parse(written.GetProperty("roomId").GetString()!));
        events.OfType<DocumentSnapshotTaken>().Should().NotBeEmpty("120 updates at one snapshot per 25");

        await using (var restarted = await ServerProcess.StartAsync(data, args))
        {
            var read = await HubScenario.RunAsync("read", restarted.BaseUrl, new
            {
                roomId = written.GetProperty("roomId").GetString(),
                tokens = written.GetProperty("tokens"),
            });
            read.GetProperty("text").GetString().Should().Be(written.GetProperty("text").GetString()).And.StartWith("line 1\n");
        }
    }

    [Fact]
    public async Task A_room_nobody_is_in_is_dropped_from_memory_with_a_snapshot_and_reloads_from_it_with_the_same_text()
    {
        var data = Repo.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data, "--PeerCode:Rooms:UnloadAfter", "00:00:01", "--PeerCode:Rooms:SnapshotEvery", "100000");
        var written = await HubScenario.RunAsync("write", server.BaseUrl, new { pieces = new[] { "one ", "two ", "three" } });
        var roomId = Guid.Parse(written.GetProperty("roomId").GetString()!);

        DocumentSnapshotTaken? snapshot = null;
        for (var i = 0; i < 100 && snapshot is null; i++)
        {
            await Task.Delay(200);
            snapshot = (await ReadRoomAsync(data, roomId)).OfType<DocumentSnapshotTaken>().LastOrDefault();
        }
        snapshot.Should().NotBeNull("the sweeper drops an idle room and snapshots the updates since the last snapshot");

        var read = await HubScenario.RunAsync("read", server.BaseUrl, new { roomId = roomId.ToString(), tokens = written.GetProperty("tokens") });
        read.GetProperty("text").GetString().Should().Be("one two three");
    }

    [Fact]
    public async Task Two_server_processes_on_one_store_serve_one_room_edits_cursors_chat_and_presence_cross_between_them()
    {
        var data = Repo.NewDataDirectory();
        await using var a = await ServerProcess.StartAsync(data);
        await using var b = await ServerProcess.StartAsync(data);
        var result = await HubScenario.RunAsync("twoNodes", a.BaseUrl, new { bases = new[] { a.BaseUrl, b.BaseUrl } });

        var texts = result.Strings("texts");
        texts[0].Should().Be(texts[1]);
        for (var i = 0; i < 20; i++) texts[0].Should().Contain($"[{i}]");
        result.Strings("chat").Should().Equal("hello from a");
        result.Strings("presenceOnB").Should().Contain("on-a");
    }

    [Fact]
    public async Task Updates_a_client_sends_without_waiting_are_stored_in_the_order_sent()
    {
        var data = Repo.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data);
        var pieces = Enumerable.Range(0, 300).Select(i => $"{i};").ToArray();
        // The scenario sends each insertion at once (a pause of 1 ms every 10), so many invocations are in flight together.
        var written = await HubScenario.RunAsync("write", server.BaseUrl, new { pieces });
        written.GetProperty("failures").GetArrayLength().Should().Be(0);

        var updates = (await ReadRoomAsync(data, Guid.Parse(written.GetProperty("roomId").GetString()!))).OfType<DocumentUpdated>().ToList();
        updates.Should().HaveCount(pieces.Length);
        var clocks = updates.Select(u => PeerCode.Domain.Crdt.Update.DecodeV1(u.Update).Structs[(uint)u.ClientId][0].Id.Clock).ToList();
        clocks.Should().BeInAscendingOrder("each insertion extends the one before it, and the stream must hold them as sent")
            .And.OnlyHaveUniqueItems();
        written.GetProperty("text").GetString().Should().Be(string.Concat(pieces));
    }

    internal static async Task<IReadOnlyList<IRoomEvent>> ReadRoomAsync(string dataDirectory, Guid roomId)
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = dataDirectory });
        var events = new List<IRoomEvent>();
        await foreach (var r in store.ReadStreamAsync(RoomEventTypes.StreamOf(roomId), StreamPosition.Start, Direction.Forwards, int.MaxValue))
            if (RoomEventCodec.Decode(r) is { } e) events.Add(e);
        return events;
    }
}
