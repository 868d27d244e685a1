using PeerCode.Application.Rooms;
using PeerCode.Infrastructure.Rooms;

namespace PeerCode.Web.Rooms;

public static class RoomsModule
{
    /// <summary>
    /// Largest SignalR frame accepted at all (beyond it SignalR closes the connection with a generic error). Kept well
    /// above the Yjs limit (<see cref="RoomOptions.MaxMessageBytes"/>) so that an oversized Yjs message is read and
    /// refused with a clear "message-too-large" error before the connection is closed.
    /// </summary>
    public const long MaxHubMessageBytes = 16 * 1024 * 1024;

    /// <summary>Invocations of one connection in progress at once; beyond it SignalR stops reading that connection.</summary>
    public const int MaxParallelInvocationsPerConnection = 16;

    public static IServiceCollection AddPeerCodeRooms(this IServiceCollection services, IConfiguration configuration)
    {
        var nodeId = configuration["PeerCode:NodeId"] is { Length: > 0 } configured
            ? configured
            : $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        services.AddSingleton(new NodeIdentity(nodeId));
        services.Configure<RoomOptions>(configuration.GetSection("PeerCode:Rooms"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CreateRoomHandler>();
        services.AddSingleton<RoomRegistry>();
        services.AddSingleton<RoomSessions>();
        services.AddSingleton<IRoomClients, HubRoomClients>();
        services.AddHostedService<RoomFanOut>();
        services.AddHostedService<RoomSweeper>();
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = MaxHubMessageBytes;
            // A connection's messages are handled concurrently, so a burst of keystrokes lands in one group commit instead
            // of each waiting for the previous one's fsync. Order is kept: SignalR starts a connection's invocations in
            // arrival order, running each synchronously up to its first await, and RoomSessions.YjsAsync queues the
            // append before any await; the store commits and acknowledges in queue order. The Web test
            // Updates_a_client_sends_without_waiting_are_stored_in_the_order_sent checks it.
            o.MaximumParallelInvocationsPerClient = MaxParallelInvocationsPerConnection;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapRooms(this IEndpointRouteBuilder app)
    {
        app.MapRoomsApi();
        app.MapHub<RoomHub>("/hubs/room");
        return app;
    }
}
