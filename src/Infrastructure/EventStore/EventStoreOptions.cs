namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// Settings of the embedded event store. Configuration keys: <c>PeerCode:DataDirectory</c>,
/// <c>EventStore:MaxEventBytes</c>, <c>EventStore:MaxStreamNameLength</c>.
/// </summary>
public sealed record EventStoreOptions
{
    public const string FileName = "events.db";

    /// <summary>Folder holding <see cref="FileName"/>; relative paths resolve against the current directory.</summary>
    public string DataDirectory { get; init; } = "./data";

    /// <summary>Largest accepted event payload (<see cref="PeerCode.Application.EventStore.EventData.Data"/>), inclusive.</summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    /// <summary>Longest accepted stream name, in UTF-16 characters, inclusive.</summary>
    public int MaxStreamNameLength { get; init; } = 200;

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), FileName);
}
