using Microsoft.AspNetCore.SignalR;
using PeerCode.Application.Questions;
using Microsoft.Extensions.Options;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.Rooms;
using PeerCode.Web.Accounts;
using PeerCode.Infrastructure.Runs;
using PeerCode.Web.Runs;

namespace PeerCode.Web.Rooms;

/// <param name="Question">The room's current question as this participant's role sees it (also sent as a Question message right after), or null.</param>
public sealed record JoinResult(
    Guid ParticipantId, string Role, string Color, IReadOnlyList<PresenceParticipant> Participants, string Title, string Language, RoomQuestionView? Question);

public sealed record HubError(string Code, string Message);

/// <summary>
/// /hubs/room (JSON protocol; byte arrays travel as base64 strings). The contract is docs/protocol.md.
/// Every method completes only after the act is durable, which is the sender's acknowledgement; a refusal reaches the
/// caller as a HubException "code: message", and a hostile message also sends Error and closes the connection.
/// </summary>
public sealed class RoomHub(RoomSessions sessions, RoomQuestions questions, RunsEntry runs, IOptions<RoomOptions> limits, ILogger<RoomHub> log) : Hub
{
    public static string Group(Guid roomId)
    {
        // Every fan-out names its room's group: keep the names of recent rooms instead of formatting one per message.
        if (GroupNames.TryGetValue(roomId, out var name)) return name;
        if (GroupNames.Count >= MaxCachedGroupNames) GroupNames.Clear();
        return GroupNames[roomId] = "room:" + roomId.ToString("N");
    }

    private const int MaxCachedGroupNames = 10_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> GroupNames = new();

    /// <summary>The room's connections that see runs as <paramref name="audience"/> does (RunUpdate is sent per audience).</summary>
    public static string Group(Guid roomId, RunAudience audience) => $"room:{roomId:N}:{audience.ToString().ToLowerInvariant()}";

    /// <summary>
    /// Joins with a link token, or with none (null or "") as a signed-in interviewer of the room. The role comes from the
    /// room's access rules (RoomAccess.Resolve): refused links answer "link-expired", "link-revoked", "sign-in-required",
    /// "not-an-interviewer", "token-required" or "invalid-token", and nothing is appended.
    /// </summary>
    public async Task<JoinResult> JoinRoom(string roomId, string? token, string displayName)
    {
        var joined = await GuardAsync(() => sessions.JoinAsync(Context.ConnectionId, roomId, token, displayName, RoomCallers.Of(Context.User), Context.ConnectionAborted));
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(joined.RoomId));
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(joined.RoomId, joined.Role == "interviewer" ? RunAudience.Interviewer : RunAudience.Participant));
        if (joined.PresenceChanged) await Clients.Group(Group(joined.RoomId)).SendAsync("Presence", new { participants = joined.Participants });
        foreach (var message in joined.Greeting) await Clients.Caller.SendAsync("Yjs", Convert.ToBase64String(message));
        var room = sessions.RoomOf(Context.ConnectionId);
        var connection = sessions.ConnectionOf(Context.ConnectionId);
        var question = await questions.ViewAsync(connection.Room.State.Question, connection.Role, Context.ConnectionAborted);
        if (question is not null) await Clients.Caller.SendAsync("Question", question);
        return new JoinResult(joined.ParticipantId, joined.Role, joined.Color, joined.Participants, room?.Title ?? "", room?.Language ?? "", question);
    }

    /// <summary>
    /// Interviewers only: makes bank question <paramref name="questionId"/> the room's question. Completes once
    /// room.question-selected.v1 is durable; everyone then gets a Question message for their role, and an empty document
    /// receives the question's starter code for the room's language as a Yjs update. Answers the interviewer's view.
    /// </summary>
    public Task<RoomQuestionView> SelectQuestion(string questionId) => GuardAsync(async () =>
    {
        try
        {
            return await questions.SelectFromConnectionAsync(Context.ConnectionId, questionId, Context.User.IsInterviewer(),
                Context.User.AccountId()?.ToString("D"), Context.ConnectionAborted);
        }
        catch (EventStoreException e)
        {
            log.LogError(e, "Question selection not stored");
            throw new RoomActException(new("not-stored", "The question could not be recorded, so nobody saw it. Try again in a moment."));
        }
    });

    public async Task Yjs(string message)
    {
        byte[] bytes;
        if ((long)(message?.Length ?? 0) * 3 / 4 > limits.Value.MaxMessageBytes)
        {
            await GuardAsync<int>(() => throw new RoomActException(new("message-too-large",
                $"A Yjs message may hold at most {limits.Value.MaxMessageBytes} bytes; this one has about {(long)message!.Length * 3 / 4}."), hostile: true));
            return;
        }
        try { bytes = Convert.FromBase64String(message ?? ""); }
        catch (FormatException)
        {
            await GuardAsync<int>(() => throw new RoomActException(new("malformed-message", "A Yjs message must be a base64 string of the y-protocols bytes."), hostile: true));
            return;
        }
        var replies = await GuardAsync(() => sessions.YjsAsync(Context.ConnectionId, bytes, Context.ConnectionAborted));
        foreach (var reply in replies) await Clients.Caller.SendAsync("Yjs", Convert.ToBase64String(reply));
    }

    public Task<ChatView> SendChat(string text) => GuardAsync(() => sessions.ChatAsync(Context.ConnectionId, text, Context.ConnectionAborted));

    /// <summary>
    /// A private note (interviewer connections only; anyone else gets "interviewers-only"). Completes with the note once
    /// it is durable; it then reaches the room's interviewer connections, on every server process, as a Note message.
    /// The note records the signed-in account (cookie, or access_token on /hubs), if the connection has one.
    /// </summary>
    public Task<NoteView> PostNote(string text) =>
        GuardAsync(() => sessions.PostNoteAsync(Context.ConnectionId, text, Context.User.AccountId(), Context.ConnectionAborted));

    public Task ChangeLanguage(string language) =>
        GuardAsync(async () => { await sessions.ChangeLanguageAsync(Context.ConnectionId, language, Context.ConnectionAborted); return 0; });

    /// <summary>Integrity signal: the caller pasted <paramref name="size"/> characters into the editor (recorded for replay, not broadcast).</summary>
    public Task ReportPaste(int size) =>
        GuardAsync(async () => { await sessions.ReportPasteAsync(Context.ConnectionId, size, Context.ConnectionAborted); return 0; });

    /// <summary>Integrity signal: the caller's editor lost (false) or regained (true) focus.</summary>
    public Task ReportFocus(bool focused) =>
        GuardAsync(async () => { await sessions.ReportFocusAsync(Context.ConnectionId, focused, Context.ConnectionAborted); return 0; });

    /// <summary>
    /// Runs the room's code as the server's document holds it right now (interviewers and candidates; observers may not).
    /// Completes with the run id once RunRequested and RunQueued are durable and the job is queued; the lifecycle then
    /// reaches everyone in the room as RunUpdate messages.
    /// </summary>
    public Task<RunAccepted> RequestRun(string language, string? stdin, IReadOnlyList<RunTestInput?>? tests) => GuardAsync(async () =>
    {
        var source = await sessions.RunSourceAsync(Context.ConnectionId);
        try
        {
            return new RunAccepted(await runs.RequestAsync(source, language, stdin, RunTestInput.ToDomain(tests), Context.ConnectionAborted));
        }
        catch (RunRequestException e) { throw new RoomActException(new(e.Code, e.Message)); }
        catch (EventStoreException e)
        {
            log.LogError(e, "Run request of room {RoomId} not stored", source.RoomId);
            throw new RoomActException(new("not-stored", "The run could not be recorded, so it was not queued. Try again in a moment."));
        }
    });

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await sessions.LeaveAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> act)
    {
        try
        {
            return await act();
        }
        catch (RoomActException e)
        {
            if (e.Hostile)
            {
                log.LogWarning("Closing connection {ConnectionId}: {Code} {Message}", Context.ConnectionId, e.Error.Code, e.Error.Message);
                await Clients.Caller.SendAsync("Error", new HubError(e.Error.Code, e.Error.Message));
                Context.Abort();
            }
            throw new HubException($"{e.Error.Code}: {e.Error.Message}");
        }
    }
}

/// <summary>The rooms' way to their clients: SignalR groups, one per room.</summary>
public sealed class HubRoomClients(IHubContext<RoomHub> hub) : IRoomClients
{
    public Task YjsAsync(Guid roomId, byte[] message, string? exceptConnectionId) =>
        (exceptConnectionId is null ? hub.Clients.Group(RoomHub.Group(roomId)) : hub.Clients.GroupExcept(RoomHub.Group(roomId), exceptConnectionId))
            .SendAsync("Yjs", Convert.ToBase64String(message));

    public Task ChatAsync(Guid roomId, ChatView message) => hub.Clients.Group(RoomHub.Group(roomId)).SendAsync("Chat", message);

    public Task PresenceAsync(Guid roomId, IReadOnlyList<PresenceParticipant> participants) =>
        hub.Clients.Group(RoomHub.Group(roomId)).SendAsync("Presence", new { participants });

    /// <summary>Private notes go to the interviewer audience's group alone; candidates and observers are never in it.</summary>
    public Task NoteAsync(Guid roomId, NoteView note) => hub.Clients.Group(RoomHub.Group(roomId, RunAudience.Interviewer)).SendAsync("Note", note);

    public Task LanguageAsync(Guid roomId, string language, Guid participantId) =>
        hub.Clients.Group(RoomHub.Group(roomId)).SendAsync("Language", new { language, participantId });

    public async Task QuestionAsync(Guid roomId, RoomQuestionView forInterviewers, RoomQuestionView forParticipants)
    {
        await hub.Clients.Group(RoomHub.Group(roomId, RunAudience.Interviewer)).SendAsync("Question", forInterviewers);
        await hub.Clients.Group(RoomHub.Group(roomId, RunAudience.Participant)).SendAsync("Question", forParticipants);
    }

    public async Task RunAsync(Guid roomId, RunEvent run)
    {
        await hub.Clients.Group(RoomHub.Group(roomId, RunAudience.Interviewer)).SendAsync("RunUpdate", RunViews.Update(run, RunAudience.Interviewer));
        await hub.Clients.Group(RoomHub.Group(roomId, RunAudience.Participant)).SendAsync("RunUpdate", RunViews.Update(run, RunAudience.Participant));
    }
}
