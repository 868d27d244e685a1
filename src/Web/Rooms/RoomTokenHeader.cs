namespace PeerCode.Web.Rooms;

/// <summary>
/// Room link tokens (the part of a room link after '#') on REST calls travel in the header <see cref="Name"/>, because
/// "Authorization: Bearer" carries account tokens. A 401 for a missing or wrong link token names this header in its
/// WWW-Authenticate challenge (scheme <see cref="ChallengeScheme"/>).
/// </summary>
public static class RoomTokenHeader
{
    public const string Name = "X-Room-Token";
    public const string ChallengeScheme = "RoomToken";

    /// <summary>The link token from the header, or (where <paramref name="allowQuery"/>) from ?token= for links opened directly.</summary>
    public static string? From(HttpContext http, bool allowQuery = false)
    {
        if (http.Request.Headers[Name].ToString().Trim() is { Length: > 0 } header) return header;
        return allowQuery && http.Request.Query["token"].ToString() is { Length: > 0 } query ? query : null;
    }

    public static void Challenge(HttpContext http) => http.Response.Headers.WWWAuthenticate = $"{ChallengeScheme} realm=\"peercode-room\", header=\"{Name}\"";
}
