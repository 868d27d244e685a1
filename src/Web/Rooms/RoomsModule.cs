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
            o.MaximumParallelInvocationsPerClient = 1;
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
