using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>A refused act: the room's reason, and whether the connection should be dropped for it.</summary>
public sealed class RoomActException(RoomError error, bool hostile = false) : Exception(error.Message)
{
    public RoomError Error { get; } = error;
    public bool Hostile { get; } = hostile;
}

/// <summary>A joined connection: what JoinRoom answers, the greeting (sync step 1, awareness) and whether presence changed (to broadcast once the joiner is in the room's group).</summary>
public sealed record JoinedRoom(Guid RoomId, Guid ParticipantId, string Role, string Color, IReadOnlyList<PresenceParticipant> Participants,
    IReadOnlyList<byte[]> Greeting, bool PresenceChanged);

/// <summary>
/// The code to run and who asks for it (<paramref name="RequestedBy"/>: a participant id, or "api:{role}" for REST), and the
/// room's question (whose tests a run without tests of its own uses).
/// </summary>
public sealed record RunSource(Guid RoomId, string RequestedBy, ParticipantRole Role, string Code, RoomQuestion? Question = null);

/// <summary>A joined connection's room, participant and role.</summary>
public sealed record RoomConnection(LiveRoom Room, Guid ParticipantId, ParticipantRole Role);

/// <summary>
/// The room use cases of connected clients. Every act is decided against the room's state, appended durably, then
/// applied to the in-memory room and only then sent to anyone else; a failed append reaches the sender only.
/// </summary>
public sealed class RoomSessions(
    IEventStore store, RoomRegistry registry, IRoomClients clients, NodeIdentity node, TimeProvider clock,
    IOptions<RoomOptions> options, ILogger<RoomSessions> log)
{
    /// <summary>A joined connection and what admitted it (the link's hash and the caller), re-checked on every act.</summary>
    private sealed record Session(LiveRoom Room, Guid ParticipantId, ParticipantRole Role, string TokenHash, RoomCaller Caller);

    private readonly ConcurrentDictionary<string, Session> _sessions = new();

    /// <summary>
    /// Joins with a link token (null or empty: none) as <paramref name="caller"/>; <see cref="RoomAccess.Resolve"/> decides the role,
    /// so expired, revoked and sign-in-guarded links are refused here exactly as on REST.
    /// </summary>
    public async Task<JoinedRoom> JoinAsync(string connectionId, string roomId, string? token, string displayName, RoomCaller caller, CancellationToken ct)
    {
        if (_sessions.ContainsKey(connectionId)) throw new RoomActException(new("already-joined", "This connection has already joined a room; open a new connection for another."));
        if (!Guid.TryParse(roomId, out var id)) throw new RoomActException(RoomError.NotFound);
        var room = await registry.AcquireAsync(id, ct) ?? throw new RoomActException(RoomError.NotFound);
        try
        {
            // Without a link, a signed-in interviewer is known by the account, so reconnecting keeps the same participant.
            var identity = string.IsNullOrEmpty(token) ? $"account:{caller.AccountId:N}" : token;
            var participantId = RoomLinks.ParticipantId(id, identity, displayName ?? "");
            var tokenHash = string.IsNullOrEmpty(token) ? "" : RoomLinks.Hash(token);
            var decision = RoomRules.Decide(new JoinRoom(participantId, tokenHash, displayName ?? "", clock.GetUtcNow(), caller), room.State);
            await AppendAsync(room, decision, null, connectionId, ct);
            var participant = room.State.Participants[participantId];
            _sessions[connectionId] = new Session(room, participantId, participant.Role, tokenHash, caller);

            var awareness = await room.AwarenessAsync();
            var greeting = new List<byte[]> { YjsMessages.EncodeSync(SyncStep.Step1, await room.WithGateAsync(d => d.EncodeStateVector())) };
            if (awareness.Count > 0) greeting.Add(YjsMessages.EncodeAwareness(YjsMessages.EncodeAwarenessUpdate(awareness)));
            var presence = room.Presence(clock.GetUtcNow(), options.Value.IdleAfter);
            return new JoinedRoom(id, participantId, RoomViews.RoleName(participant.Role), participant.Color, presence, greeting, decision.Events.Count > 0);
        }
        catch
        {
            if (!_sessions.ContainsKey(connectionId)) registry.Release(room);
            throw;
        }
    }

    /// <summary>Handles one y-protocols message; returns the messages for the sender alone (answers to its sync step 1).</summary>
    public async Task<IReadOnlyList<byte[]>> YjsAsync(string connectionId, byte[] bytes, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        if (bytes.Length > options.Value.MaxMessageBytes)
            throw Hostile("message-too-large", $"A Yjs message may hold at most {options.Value.MaxMessageBytes} bytes; this one has {bytes.Length}.");
        YjsMessage message;
        try { message = YjsMessages.Decode(bytes); }
        catch (YjsMessageException e) { throw new RoomActException(new(e.Code, e.Message), e.Hostile); }

        switch (message)
        {
            case YjsMessage.Sync { Step: SyncStep.Step1 } step1:
                byte[] diff;
                try { diff = await session.Room.WithGateAsync(d => d.DiffFor(step1.Payload)); }
                catch (YjsMessageException e) { throw Hostile(e.Code, e.Message); }
                return [YjsMessages.EncodeSync(SyncStep.Step2, diff)];

            case YjsMessage.Sync update:
                RoomDocument.CheckedUpdate checkedUpdate;
                try { checkedUpdate = RoomDocument.Check(update.Payload); }
                catch (YjsMessageException e) { throw new RoomActException(new(e.Code, e.Message), e.Hostile); }
                if (checkedUpdate.IsEmpty) return []; // an observer's answer to sync step 1 is empty: nothing to refuse
                if (session.Role == ParticipantRole.Observer) throw new RoomActException(RoomError.ReadOnly);
                var decision = RoomRules.Decide(new UpdateDocument(session.ParticipantId, update.Payload, checkedUpdate.ClientId, clock.GetUtcNow()), session.Room.State);
                await AppendAsync(session.Room, decision, checkedUpdate, connectionId, ct);
                await clients.YjsAsync(session.Room.RoomId, YjsMessages.EncodeSync(SyncStep.Update, update.Payload), connectionId);
                await SnapshotIfDueAsync(session.Room, force: false, ct);
                return [];

            case YjsMessage.Awareness awareness:
                await AwarenessAsync(session, connectionId, awareness, ct);
                return [];

            default:
                throw new InvalidOperationException($"Unhandled message {message.GetType().Name}.");
        }
    }

    public async Task<ChatView> ChatAsync(string connectionId, string text, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        var decision = RoomRules.Decide(new PostChat(Guid.NewGuid(), session.ParticipantId, text ?? "", clock.GetUtcNow()), session.Room.State);
        await AppendAsync(session.Room, decision, null, connectionId, ct);
        var chat = RoomViews.Chat((ChatMessagePosted)decision.Events[0]);
        await clients.ChatAsync(session.Room.RoomId, chat);
        return chat;
    }

    /// <summary>
    /// A private note from an interviewer's connection: durable first, then sent to the room's interviewer connections only
    /// (the sender included, so every interviewer tab shows it once). <paramref name="accountId"/> is the signed-in author, if any.
    /// </summary>
    public async Task<NoteView> PostNoteAsync(string connectionId, string text, Guid? accountId, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        if (session.Role != ParticipantRole.Interviewer) throw new RoomActException(PrivateNoteRules.InterviewersOnly);
        var decision = RoomRules.Decide(new PostPrivateNote(Guid.NewGuid(), session.ParticipantId, accountId, text ?? "", clock.GetUtcNow()), session.Room.State);
        await AppendAsync(session.Room, decision, null, connectionId, ct);
        var note = RoomViews.Note((PrivateNotePosted)decision.Events[0]);
        await clients.NoteAsync(session.Room.RoomId, note);
        return note;
    }

    public async Task ChangeLanguageAsync(string connectionId, string language, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        var decision = RoomRules.Decide(new ChangeLanguage(session.ParticipantId, language ?? "", clock.GetUtcNow()), session.Room.State);
        await AppendAsync(session.Room, decision, null, connectionId, ct);
        await clients.LanguageAsync(session.Room.RoomId, session.Room.State.Language, session.ParticipantId);
    }

    /// <summary>Integrity signals from the participant's browser: a paste into the editor (its size) and editor focus lost or regained.</summary>
    public async Task ReportPasteAsync(string connectionId, int size, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        await AppendAsync(session.Room, RoomRules.Decide(new ReportPaste(session.ParticipantId, size, clock.GetUtcNow()), session.Room.State), null, connectionId, ct);
    }

    public async Task ReportFocusAsync(string connectionId, bool focused, CancellationToken ct)
    {
        var session = SessionOf(connectionId);
        await AppendAsync(session.Room, RoomRules.Decide(new ReportFocus(session.ParticipantId, focused, clock.GetUtcNow()), session.Room.State), null, connectionId, ct);
    }

    /// <summary>
    /// What a run needs from the caller's room: who asks, and the server document's text at this moment (never a
    /// client's copy, so the recorded RunRequested shows exactly what the room held). Observers may not run.
    /// </summary>
    public async Task<RunSource> RunSourceAsync(string connectionId)
    {
        var session = SessionOf(connectionId);
        if (session.Role == ParticipantRole.Observer) throw new RoomActException(ObserverCannotRun);
        return new RunSource(session.Room.RoomId, session.ParticipantId.ToString("N"), session.Role, await session.Room.WithGateAsync(d => d.Text()),
            session.Room.State.Question);
    }

    /// <summary>The same for a REST caller with a room link token and/or a signed-in account (the room is loaded, caught up and released).</summary>
    public async Task<RunSource> RunSourceForTokenAsync(Guid roomId, string? token, RoomCaller caller, CancellationToken ct)
    {
        var room = await registry.AcquireAsync(roomId, ct) ?? throw new RoomActException(RoomError.NotFound);
        try
        {
            var (resolved, refused) = RoomAccess.Resolve(room.State, string.IsNullOrEmpty(token) ? null : RoomLinks.Hash(token), caller, clock.GetUtcNow());
            if (refused is not null) throw new RoomActException(refused);
            var role = resolved!.Value;
            if (role == ParticipantRole.Observer) throw new RoomActException(ObserverCannotRun);
            return new RunSource(roomId, "api:" + RoomViews.RoleName(role), role, await room.WithGateAsync(d => d.Text()), room.State.Question);
        }
        finally
        {
            registry.Release(room);
        }
    }

    public static readonly RoomError ObserverCannotRun =
        new("observer-cannot-run", "Observers can watch runs but not start them; ask the interviewer or the candidate to run the code.");

    /// <summary>The connection's room and role; throws not-joined when it has not joined one.</summary>
    public RoomConnection ConnectionOf(string connectionId)
    {
        var s = SessionOf(connectionId);
        return new RoomConnection(s.Room, s.ParticipantId, s.Role);
    }

    public (Guid RoomId, string Title, string Language)? RoomOf(string connectionId) =>
        _sessions.TryGetValue(connectionId, out var s) ? (s.Room.RoomId, s.Room.State.Title, s.Room.State.Language) : null;

    /// <summary>The connection is gone: its awareness clients are removed, and the participant leaves when it was its last connection here.</summary>
    public async Task LeaveAsync(string connectionId)
    {
        if (!_sessions.TryRemove(connectionId, out var session)) return;
        var room = session.Room;
        try
        {
            var removals = await room.RemovalsForAsync(connectionId);
            if (removals.Count > 0)
            {
                var entry = YjsMessages.EncodeAwarenessUpdate(removals);
                var decision = RoomRules.Decide(new UpdateAwareness(session.ParticipantId, entry, removals[0].ClientId, null, null, null, clock.GetUtcNow()), room.State);
                await AppendAsync(room, decision, null, connectionId, CancellationToken.None);
                await clients.YjsAsync(room.RoomId, YjsMessages.EncodeAwareness(entry), connectionId);
            }
            if (!_sessions.Values.Any(s => s.Room == room && s.ParticipantId == session.ParticipantId))
            {
                var decision = RoomRules.Decide(new LeaveRoom(session.ParticipantId, clock.GetUtcNow()), room.State);
                await AppendAsync(room, decision, null, connectionId, CancellationToken.None);
                if (decision.Events.Count > 0) await clients.PresenceAsync(room.RoomId, room.Presence(clock.GetUtcNow(), options.Value.IdleAfter));
            }
        }
        catch (Exception e) when (e is RoomActException or EventStoreException)
        {
            log.LogWarning(e, "Leaving room {RoomId} was not recorded for participant {ParticipantId}", room.RoomId, session.ParticipantId);
        }
        finally
        {
            registry.Release(room);
        }
    }

    /// <summary>Appends a snapshot for a room that is being dropped from memory, when updates followed the last one.</summary>
    public async Task SnapshotIfDueAsync(LiveRoom room, bool force, CancellationToken ct)
    {
        if (await room.SnapshotIfDueAsync(options.Value.SnapshotEvery, clock.GetUtcNow(), force) is not { } command) return;
        var decision = RoomRules.Decide(command, room.State);
        await AppendAsync(room, decision, null, null, ct);
    }

    private async Task AwarenessAsync(Session session, string connectionId, YjsMessage.Awareness awareness, CancellationToken ct)
    {
        foreach (var entry in awareness.Entries)
        {
            if (!await session.Room.MayUseClientIdAsync(entry.ClientId, connectionId))
                throw new RoomActException(new("awareness-client-taken", $"Awareness client {entry.ClientId} belongs to another connection; a client may only send its own state."));
            var (cursor, start, end) = await session.Room.WithGateAsync(d => CursorOf(d, entry));
            var single = YjsMessages.EncodeAwarenessUpdate([entry]);
            var decision = RoomRules.Decide(new UpdateAwareness(session.ParticipantId, single, entry.ClientId, cursor, start, end, clock.GetUtcNow()), session.Room.State);
            await AppendAsync(session.Room, decision, null, connectionId, ct);
        }
        await clients.YjsAsync(session.Room.RoomId, YjsMessages.EncodeAwareness(awareness.Update), connectionId);
    }

    /// <summary>The cursor (selection head) and selection of a y-monaco awareness state, as absolute positions, when the engine can resolve them.</summary>
    private static (TextPosition?, TextPosition?, TextPosition?) CursorOf(RoomDocument document, AwarenessEntry entry)
    {
        if (entry.Removed) return (null, null, null);
        using var json = JsonDocument.Parse(entry.StateJson);
        if (json.RootElement.ValueKind != JsonValueKind.Object
            || !json.RootElement.TryGetProperty("selection", out var selection) || selection.ValueKind != JsonValueKind.Object
            || !selection.TryGetProperty("anchor", out var anchor) || !selection.TryGetProperty("head", out var head))
            return (null, null, null);
        var a = document.Resolve(anchor);
        var h = document.Resolve(head);
        if (a is null || h is null) return (h, null, null);
        var (start, end) = (a.Line, a.Column).CompareTo((h.Line, h.Column)) <= 0 ? (a, h) : (h, a);
        return (h, start, end);
    }

    /// <summary>Appends a decision's events to the room's stream and applies them to the loaded room (refusals and store failures become <see cref="RoomActException"/>).</summary>
    internal async Task AppendAsync(LiveRoom room, RoomDecision decision, RoomDocument.CheckedUpdate? update, string? connectionId, CancellationToken ct)
    {
        if (decision.Error is { } error) throw new RoomActException(error);
        if (decision.Events.Count == 0) return;
        var data = decision.Events.Select(e => RoomEventCodec.Encode(e, node.Metadata())).ToList();
        room.BeginAppend();
        try
        {
            // Never cancelled half-way: an append that commits must also be applied here, or this process would lack its own event.
            await store.AppendAsync(room.Stream, ExpectedRevision.Any, data, CancellationToken.None);
        }
        catch (Exception e)
        {
            room.AbandonAppend();
            if (e is InvalidAppendException invalid) throw new RoomActException(new("rejected-by-store", $"The event store refused this act: {invalid.Message}"));
            if (e is EventStoreException or IOException or TimeoutException)
            {
                log.LogError(e, "Append to {Stream} failed", room.Stream);
                throw new RoomActException(new("not-stored", "The room could not store this act, so nobody else saw it. Try again in a moment."));
            }
            throw;
        }
        await room.ApplyOwnAsync(decision.Events, update, connectionId);
    }

    /// <summary>
    /// The caller's session, once its link is checked again against the room's current state: a link revoked or expired
    /// after the join refuses every further act ("link-revoked", "link-expired"), so nothing more is stored from it.
    /// </summary>
    private Session SessionOf(string connectionId)
    {
        if (!_sessions.TryGetValue(connectionId, out var s)) throw new RoomActException(RoomError.NotJoined);
        if (RoomAccess.Resolve(s.Room.State, s.TokenHash, s.Caller, clock.GetUtcNow()).Error is { } refused) throw new RoomActException(refused);
        return s;
    }

    private static RoomActException Hostile(string code, string message) => new(new(code, message), hostile: true);
}
