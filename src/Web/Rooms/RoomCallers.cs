using System.Security.Claims;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Rooms;

/// <summary>
/// Who is calling, as rooms see it (the signed-in account, or anonymous), and the room link token a REST call carries.
/// Every room endpoint and the hub read both through here and hand them to RoomAccess.Resolve.
/// </summary>
public static class RoomCallers
{
    /// <summary>The header REST callers put a room link's token in (the part of the link after '#').</summary>
    public const string TokenHeader = "X-Room-Token";

    public static RoomCaller Of(ClaimsPrincipal? user) =>
        user.AccountId() is { } id ? new RoomCaller(id, user.IsAdmin()) : RoomCaller.Anonymous;

    /// <summary>
    /// The link token from <see cref="TokenHeader"/>, else "?token=" when <paramref name="allowQuery"/> (replay links), else, for
    /// a caller who is not signed in, "Authorization: Bearer" (how clients sent link tokens before accounts existed), else null.
    /// </summary>
    public static string? TokenOf(HttpContext http, bool allowQuery = false)
    {
        if (http.Request.Headers[TokenHeader].ToString().Trim() is { Length: > 0 } header) return header;
        if (allowQuery && http.Request.Query["token"].ToString() is { Length: > 0 } query) return query;
        if (http.User.AccountId() is not null) return null; // a signed-in caller's bearer is its account token
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } bearer ? bearer : null;
    }
}
