using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using PeerCode.Application.Rooms;
using PeerCode.Infrastructure.Rooms;

namespace PeerCode.Web.Rooms;

public sealed record JoinResult(Guid ParticipantId, string Role, string Color, IReadOnlyList<PresenceParticipant> Participants, string Title, string Language);

public sealed record HubError(string Code, string Message);

/// <summary>
/// /hubs/room (JSON protocol; byte arrays travel as base64 strings). The contract is docs/protocol.md.
/// Every method completes only after the act is durable, which is the sender's acknowledgement; a refusal reaches the
/// caller as a HubException "code: message", and a hostile message also sends Error and closes the connection.
/// </summary>
public sealed class RoomHub(RoomSessions sessions, IOptions<RoomOptions> limits, ILogger<RoomHub> log) : Hub
{
    public static string Group(Guid roomId) => "room:" + roomId.ToString("N");

    public async Task<JoinResult> JoinRoom(string roomId, string token, string displayName)
    {
        var joined = await GuardAsync(() => sessions.JoinAsync(Context.ConnectionId, roomId, token, displayName, Context.ConnectionAborted));
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(joined.RoomId));
        if (joined.PresenceChanged) await Clients.Group(Group(joined.RoomId)).SendAsync("Presence", new { participants = joined.Participants });
        foreach (var message in joined.Greeting) await Clients.Caller.SendAsync("Yjs", Convert.ToBase64String(message));
        var room = sessions.RoomOf(Context.ConnectionId);
        return new JoinResult(joined.ParticipantId, joined.Role, joined.Color, joined.Participants, room?.Title ?? "", room?.Language ?? "");
    }

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

    public Task ChangeLanguage(string language) =>
        GuardAsync(async () => { await sessions.ChangeLanguageAsync(Context.ConnectionId, language, Context.ConnectionAborted); return 0; });

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

    public Task LanguageAsync(Guid roomId, string language, Guid participantId) =>
        hub.Clients.Group(RoomHub.Group(roomId)).SendAsync("Language", new { language, participantId });
}
