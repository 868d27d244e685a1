using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Tests.Crdt;

namespace PeerCode.Web.Tests.Replay;

/// <summary>
/// Writes an editing trace into a room stream the way a room records it: RoomCreated, one ParticipantJoined, one
/// DocumentUpdated per trace transaction (the editor's Yjs update), and a DocumentSnapshotTaken after every
/// <c>snapshotEvery</c> updates holding the merged state of every update so far (the room's SnapshotIfDue rule).
/// A second document applies each stored update as the live room does; <c>checkpoint</c> sees its text after each event.
/// Shared by the replay tests and the `replay` benchmark.
/// </summary>
public static class TraceHistory
{
    public const int DefaultSnapshotEvery = 200;
    private const int AppendBatch = 1000;

    public static async Task<Guid> WriteAsync(
        IEventStore store, EditingTrace trace, RoomLinks.Tokens tokens, int snapshotEvery = DefaultSnapshotEvery,
        Action<long, Doc>? checkpoint = null, int? maxTransactions = null)
    {
        var roomId = Guid.NewGuid();
        var stream = RoomEventTypes.StreamOf(roomId);
        var participant = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var editor = new Doc(clientId: 1);
        var text = editor.GetText(RoomReplayText);
        var codePoints = new CodePointEditor(text);
        var live = new Doc(clientId: 0);
        byte[]? last = null;
        editor.UpdateV1 += (u, _) => last = u;

        var batch = new List<EventData>(AppendBatch);
        var revision = -1L;
        var sinceSnapshot = 0;
        async Task AddAsync(IRoomEvent e)
        {
            batch.Add(RoomEventCodec.Encode(e, EventMetadata.Empty));
            revision++;
            checkpoint?.Invoke(revision, live);
            if (batch.Count == AppendBatch) await FlushAsync();
        }
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await store.AppendAsync(stream, ExpectedRevision.Any, batch.ToList());
            batch.Clear();
        }

        await AddAsync(new RoomCreated(roomId, "Trace replay", "plaintext", tokens.Hashes, at));
        await AddAsync(new ParticipantJoined(participant, "Author", ParticipantRole.Candidate, "#1f77b4", at));
        var transactions = trace.Transactions.AsEnumerable();
        if (trace.StartContent.Length > 0) transactions = transactions.Prepend(new TraceTransaction([], 0, [new TracePatch(0, 0, trace.StartContent)]));
        var n = 0;
        foreach (var txn in transactions)
        {
            if (maxTransactions is { } max && n++ >= max) break;
            last = null;
            editor.Transact(_ => { foreach (var p in txn.Patches) codePoints.Apply(p); });
            if (last is null) continue;
            at = at.AddMilliseconds(250);
            live.ApplyUpdate(last);
            await AddAsync(new DocumentUpdated(last, 1, participant, at));
            if (++sinceSnapshot >= snapshotEvery)
            {
                sinceSnapshot = 0;
                await AddAsync(new DocumentSnapshotTaken(live.EncodeStateAsUpdate(), live.EncodeStateVector(), revision, at));
            }
        }
        await FlushAsync();
        return roomId;
    }

    /// <summary>The shared text's name; replay reads the same one.</summary>
    private const string RoomReplayText = PeerCode.Application.Replay.RoomReplay.TextName;
}
