using System.Security.Claims;
using PeerCode.Domain.Rooms;

namespace PeerCode.Web.Rooms;

/// <summary>
/// Who is calling, as rooms see it (the signed-in account from the shared claims contract, or anonymous), and the room
/// link token a REST call carries. Every room endpoint and the hub read both through here.
/// </summary>
public static class RoomCallers
{
    /// <summary>The header REST callers put a room link's token in (the part of the link after '#').</summary>
    public const string TokenHeader = "X-Room-Token";

    public static RoomCaller Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? new RoomCaller(id, user.IsInRole("admin"))
            : RoomCaller.Anonymous;

    /// <summary>The link token from <see cref="TokenHeader"/>, else "?token=" when <paramref name="allowQuery"/> (replay links), else null.</summary>
    public static string? TokenOf(HttpContext http, bool allowQuery = false)
    {
        if (http.Request.Headers[TokenHeader].ToString().Trim() is { Length: > 0 } header) return header;
        if (allowQuery && http.Request.Query["token"].ToString() is { Length: > 0 } query) return query;
        // Until the accounts branch gives "Authorization: Bearer" to account tokens, older clients still send the link token there.
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } bearer ? bearer : null;
    }
}
