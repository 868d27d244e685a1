using System.Security.Claims;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Rooms;

/// <summary>
/// Who is calling, as rooms see it: the signed-in account (or anonymous). Every room endpoint and the hub hand it, with the
/// link token (<see cref="RoomTokenHeader"/> on REST), to RoomAccess.Resolve.
/// </summary>
public static class RoomCallers
{
    public static RoomCaller Of(ClaimsPrincipal? user) =>
        user.AccountId() is { } id ? new RoomCaller(id, user.IsAdmin()) : RoomCaller.Anonymous;
}
