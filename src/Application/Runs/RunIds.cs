using System.Security.Cryptography;

namespace PeerCode.Application.Runs;

/// <summary>
/// A run id names its room: "{roomId}-{16 hex random}". GET /api/runs/{runId} then finds the room stream to read
/// without an index (no second store to keep in step, works on every node at once). The random part only has to be
/// unique within the room (the decider refuses a duplicate); the room id it reveals grants nothing without the
/// room's link token, which every run endpoint requires.
/// </summary>
public static class RunIds
{
    public static string New(string roomId) => $"{roomId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";

    /// <summary>The room of a run id, or null when the id is not of this shape.</summary>
    public static string? RoomOf(string runId)
    {
        var dash = runId?.LastIndexOf('-') ?? -1;
        return dash > 0 && runId!.Length - dash - 1 == 16 && runId.AsSpan(dash + 1).ContainsAnyExcept("0123456789abcdef") is false
            ? runId[..dash]
            : null;
    }
}
