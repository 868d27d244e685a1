using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Application.Questions;
using PeerCode.Application.Rooms;
using PeerCode.Application.Runs;
using PeerCode.Domain.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// Follows every room stream through the store's subscription and hands events other processes appended to the rooms
/// this process has loaded, which send them to their connections. The store is the only thing processes share.
/// </summary>
public sealed class RoomFanOut(
    IEventStore store, RoomRegistry registry, IRoomClients clients, QuestionStore questions, NodeIdentity node, TimeProvider clock,
    IOptions<RoomOptions> options, ILogger<RoomFanOut> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        long? after = null;
        await foreach (var tail in store.ReadAllAsync(StreamPosition.End, Direction.Backwards, 1, null, ct)) after = tail.GlobalPosition;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var message in store.SubscribeToAllAsync(after, EventFilter.StreamPrefix(RoomEventTypes.StreamPrefix), ct))
                {
                    if (message is not SubscriptionMessage.Event { Recorded: var recorded }) continue;
                    after = recorded.GlobalPosition;
                    if (RoomEventCodec.RoomIdOf(recorded.Stream) is not { } roomId || registry.Loaded(roomId) is not { } room) continue;
                    foreach (var foreign in await room.ApplyRecordedAsync(recorded, store, node.NodeId, ct))
                        await SendAsync(room, foreign);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogError(e, "Room subscription failed after position {Position}; resubscribing", after);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private async Task QuestionAsync(LiveRoom room, QuestionSelected selected)
    {
        var question = await questions.LoadAsync(selected.QuestionId, CancellationToken.None, selected.Revision);
        if (question.Exists)
            await clients.QuestionAsync(room.RoomId, QuestionViews.ForRoom(question, interviewer: true), QuestionViews.ForRoom(question, interviewer: false));
    }

    private Task SendAsync(LiveRoom room, RecordedEvent recorded) =>
        RunEventSerializer.Deserialize(recorded.Type, recorded.Data.Span) is { } run ? clients.RunAsync(room.RoomId, run) : RoomEventCodec.Decode(recorded) switch
    {
        DocumentUpdated u => clients.YjsAsync(room.RoomId, YjsMessages.EncodeSync(SyncStep.Update, u.Update), null),
        AwarenessUpdated a => clients.YjsAsync(room.RoomId, YjsMessages.EncodeAwareness(a.Entry), null),
        ChatMessagePosted c => clients.ChatAsync(room.RoomId, RoomViews.Chat(c)),
        PrivateNotePosted n => clients.NoteAsync(room.RoomId, RoomViews.Note(n)), // interviewer connections only
        ParticipantJoined or ParticipantLeft => clients.PresenceAsync(room.RoomId, room.Presence(clock.GetUtcNow(), options.Value.IdleAfter)),
        LanguageChanged l => clients.LanguageAsync(room.RoomId, l.Language, l.ParticipantId),
        QuestionSelected q => QuestionAsync(room, q),
        _ => Task.CompletedTask,
    };
}

/// <summary>
/// Every few seconds: tells rooms whose participants turned idle (or active) about it, and drops rooms nobody has been
/// connected to for a while (with a snapshot when updates followed the last one).
/// </summary>
public sealed class RoomSweeper(
    RoomRegistry registry, RoomSessions sessions, IRoomClients clients, TimeProvider clock, IOptions<RoomOptions> options, ILogger<RoomSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var room in registry.LoadedRooms())
            {
                var presence = room.Presence(clock.GetUtcNow(), options.Value.IdleAfter);
                if (room.PresenceChangedSinceLastCheck(presence)) await clients.PresenceAsync(room.RoomId, presence);
            }
            foreach (var room in registry.TakeIdle())
            {
                try { await sessions.SnapshotIfDueAsync(room, force: true, ct); }
                catch (Exception e) when (e is RoomActException or EventStoreException)
                {
                    log.LogWarning(e, "No snapshot for room {RoomId} on unload; the next load replays from the previous one", room.RoomId);
                }
            }
        }
    }
}
