namespace PeerCode.Infrastructure.Rooms;

/// <summary>Configuration section "PeerCode:Rooms".</summary>
public sealed class RoomOptions
{
    /// <summary>A snapshot is appended after this many document updates since the last one.</summary>
    public int SnapshotEvery { get; set; } = 200;

    /// <summary>A room without connections is dropped from memory after this long.</summary>
    public TimeSpan UnloadAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An online participant with no act for this long is shown as idle.</summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest Yjs message (decoded bytes) a client may send; bigger ones are hostile.</summary>
    public int MaxMessageBytes { get; set; } = 512 * 1024;
}
