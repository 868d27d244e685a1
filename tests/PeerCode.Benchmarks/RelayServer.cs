using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PeerCode.Web.Rooms;

namespace PeerCode.Benchmarks;

/// <summary>
/// `relay-server --port N`: the collab benchmark's transport floor (`collab --peer relay`). It speaks exactly the part of
/// PeerCode's room contract the load generator uses (docs/protocol.md: POST /api/account/token, POST /api/rooms,
/// /hubs/room JoinRoom and Yjs over SignalR's JSON protocol, one group per room, the invocation's completion as the
/// sender's acknowledgement) and does nothing else: no Yjs decoding, no document, no access rules, no event store, no
/// projections. A Yjs message is forwarded, as the same base64 string, to the room's other connections.
/// <para>
/// So what the relay measures is what ASP.NET Core SignalR and the npm SignalR client cost on this machine before
/// PeerCode does any work: the distance from PeerCode to the relay is ours, the distance from the relay to Hocuspocus
/// is the transport's.
/// </para>
/// </summary>
public static class RelayServer
{
    /// <summary>Sync step 2 holding an empty Yjs update ([0, 1, varUint8Array([0, 0])]): the relay's answer to sync step 1, so clients count as synced.</summary>
    private static readonly string EmptySyncStep2 = Convert.ToBase64String(new byte[] { 0, 1, 2, 0, 0 });

    public static async Task<int> RunAsync(CommandLine cli)
    {
        var port = cli.GetInt("port", 0, minimum: 1);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // PeerCode's hub settings (RoomsModule), so the same SignalR is measured.
        builder.Services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = RoomsModule.MaxHubMessageBytes;
            o.MaximumParallelInvocationsPerClient = RoomsModule.MaxParallelInvocationsPerConnection;
        });
        var app = builder.Build();
        app.MapPost("/api/account/token", () => Results.Ok(new { accessToken = "relay" }));
        app.MapPost("/api/rooms", () =>
        {
            var id = Guid.NewGuid().ToString("D");
            return Results.Json(new { roomId = id, links = new { interviewer = $"/r/{id}#i", candidate = $"/r/{id}#c", observer = $"/r/{id}#o" } },
                statusCode: StatusCodes.Status201Created);
        });
        app.MapHub<RelayHub>("/hubs/room");
        await app.RunAsync();
        return 0;
    }

    public sealed class RelayHub : Hub
    {
        public async Task<object> JoinRoom(string roomId, string? token, string displayName)
        {
            Context.Items["group"] = roomId;
            await Groups.AddToGroupAsync(Context.ConnectionId, roomId);
            return new { participantId = Guid.NewGuid(), role = token == "i" ? "interviewer" : "candidate", color = "#888", participants = Array.Empty<object>() };
        }

        public Task Yjs(string message)
        {
            // Sync step 1 ([0,0,...]) is answered to the caller alone; everything else goes to the room as it came.
            Span<byte> head = stackalloc byte[3];
            if (message is null || message.Length < 4 || !Convert.TryFromBase64Chars(message.AsSpan(0, 4), head, out _))
                throw new HubException("malformed-message: a Yjs message is a base64 string of at least two bytes");
            if (head[0] == 0 && head[1] == 0) return Clients.Caller.SendAsync("Yjs", EmptySyncStep2);
            return Context.Items.TryGetValue("group", out var group) && group is string room
                ? Clients.OthersInGroup(room).SendAsync("Yjs", message)
                : throw new HubException("not-joined: join a room first");
        }
    }
}
