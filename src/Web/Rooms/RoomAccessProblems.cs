using PeerCode.Domain.Rooms;

namespace PeerCode.Web.Rooms;

/// <summary>HTTP status and title of each room access refusal (RoomAccess.Resolve's codes), the same on every room endpoint.</summary>
public static class RoomAccessProblems
{
    public static int? StatusOf(RoomError error) => error.Code switch
    {
        "room-not-found" => StatusCodes.Status404NotFound,
        "token-required" or "sign-in-required" or "invalid-token" => StatusCodes.Status401Unauthorized,
        "not-an-interviewer" or "link-revoked" or "link-expired" => StatusCodes.Status403Forbidden,
        _ => null,
    };

    public static string TitleOf(RoomError error) => error.Code switch
    {
        "room-not-found" => "No such room",
        "token-required" => "A room link or sign-in is needed",
        "sign-in-required" => "Sign in to use the interviewer link",
        "invalid-token" => "The token does not open this room",
        "not-an-interviewer" => "Not an interviewer of this interview",
        "link-revoked" => "This link was revoked",
        "link-expired" => "This link has expired",
        _ => "The room refused this request",
    };

    public static IResult Problem(RoomError error, int fallbackStatus = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(title: TitleOf(error), detail: error.Message, statusCode: StatusOf(error) ?? fallbackStatus,
            extensions: new Dictionary<string, object?> { ["code"] = error.Code });
}
