using Microsoft.AspNetCore.Http.HttpResults;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Rooms;
using PeerCode.Web.Accounts;

namespace PeerCode.Web.Rooms;

public sealed record CreateRoomRequest(string? Title, string? Language);

public sealed record RoomLinksResponse(string Interviewer, string Candidate, string Observer);

public sealed record CreateRoomResponse(Guid RoomId, RoomLinksResponse Links);

public static class RoomsApi
{
    /// <summary>
    /// POST /api/rooms (signed-in interviewers and admins): a new room and its three role links (the token travels in the
    /// link's fragment, never to server logs).
    /// </summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Rooms");
        rooms.MapPost("/", CreateAsync).RequireAuthorization(AccountPolicies.Interviewer);
        return app;
    }

    private static async Task<Results<Created<CreateRoomResponse>, ProblemHttpResult>> CreateAsync(
        CreateRoomRequest? request, CreateRoomHandler handler, HttpContext http, CancellationToken ct)
    {
        var (room, error) = await handler.HandleAsync(request?.Title ?? "", request?.Language ?? "plaintext", ct);
        if (error is not null)
            return TypedResults.Problem(title: "The room was not created", detail: error.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["code"] = error.Code });
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        string Link(string token) => $"{origin}/r/{room!.RoomId:N}#{token}";
        var response = new CreateRoomResponse(room!.RoomId,
            new RoomLinksResponse(Link(room.Tokens.Interviewer), Link(room.Tokens.Candidate), Link(room.Tokens.Observer)));
        return TypedResults.Created($"/r/{room.RoomId:N}", response);
    }

    public static IReadOnlyCollection<string> Languages => RoomRules.Languages.Order().ToList();
}
