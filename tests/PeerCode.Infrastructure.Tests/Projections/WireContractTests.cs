using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Activity;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Timeline;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections;

/// <summary>
/// The read side's DTOs against the write side's real encoding: room events encoded by the room domain's own codec
/// are projected into rows. If the room domain changes a stored shape without a new version, this fails.
/// </summary>
public sealed class WireContractTests : IAsyncLifetime
{
    private readonly IReadModelStore _store = ReadModelStores.Create(ReadModelProvider.Sqlite);
    private readonly List<Projection> _projections = [new RoomsProjection(), new ActivityProjection(), new TimelineProjection()];

    public async Task InitializeAsync()
    {
        await Migrator.ApplyAsync(_store, [Checkpoints.Schema, .. _projections.SelectMany(p => p.Migrations)]);
        await Checkpoints.EnsureAsync(_store, _projections.Select(p => p.Name), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Room_events_encoded_by_the_room_codec_project_into_rooms_activity_and_timeline()
    {
        var room = Guid.NewGuid();
        var alice = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        IRoomEvent[] written =
        [
            new RoomCreated(room, "Codec check", "python", new RoomTokenHashes("a", "b", "c"), t),
            new ParticipantJoined(alice, "Alice", ParticipantRole.Candidate, "#abc", t.AddSeconds(1)),
            new DocumentUpdated(Convert.FromBase64String("AQEHAAQBBm1vbmFjbwtoZWxsbyB3b3JsZAA="), 7, alice, t.AddSeconds(2)),
            new AwarenessUpdated([1, 2], 7, alice, new TextPosition(1, 3), null, null, t.AddSeconds(3)),
            new ChatMessagePosted(Guid.NewGuid(), alice, "Alice", "hello", t.AddSeconds(4)),
            new LanguageChanged("go", alice, t.AddSeconds(5)),
            new ParticipantLeft(alice, t.AddSeconds(6)),
        ];
        var stream = RoomEventTypes.StreamOf(room);
        var recorded = written.Select((e, i) =>
        {
            var data = RoomEventCodec.Encode(e, EventMetadata.Empty);
            return new RecordedEvent(data.EventId, stream, i, i, data.Type, data.Data, data.Metadata, t);
        }).ToList();

        foreach (var p in _projections)
        {
            var cp = await Checkpoints.LoadAsync(_store, p.Name, CancellationToken.None);
            await Checkpoints.CommitBatchAsync(_store, p, cp, recorded.Where(e => p.EventTypes.Contains(e.Type)).ToList(), CancellationToken.None);
        }

        await using var c = await _store.OpenAsync();
        var r = await Dapper.SqlMapper.QuerySingleAsync<RoomRow>(c, "SELECT * FROM rooms");
        (r.RoomId, r.Title, r.Language, r.Status, r.ParticipantCount, r.OnlineCount).Should().Be((room.ToString(), "Codec check", "go", "active", 1L, 0L));
        var a = await Dapper.SqlMapper.QuerySingleAsync<ParticipantActivityRow>(c, "SELECT * FROM participant_activity");
        (a.Role, a.Edits, a.CharsInserted, a.CursorMoves, a.ChatMessages, a.UndecodedUpdates).Should().Be(("candidate", 1L, 11L, 1L, 1L, 0L));
        var kinds = await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT kind FROM timeline ORDER BY position");
        kinds.Should().Equal("joined", "chat", "language-changed", "left");
    }
}
