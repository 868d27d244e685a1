using System.Security.Cryptography;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Rooms;

/// <summary>
/// Role-scoped link tokens: 256 random bits, base64url. Only their SHA-256 is stored (in RoomCreated), so the stream
/// never holds a usable secret. Who a token admits (and until when) is RoomAccess.Resolve's business.
/// </summary>
public static class RoomLinks
{
    public sealed record Tokens(string Interviewer, string Candidate, string Observer)
    {
        public RoomTokenHashes Hashes => new(Hash(Interviewer), Hash(Candidate), Hash(Observer));
    }

    public static Tokens NewTokens() => new(NewToken(), NewToken(), NewToken());

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// A participant's id is derived from the room, the token and the display name, so a reconnecting browser is the same
    /// participant (same colour, same presence row) without a cookie.
    /// </summary>
    public static Guid ParticipantId(Guid roomId, string token, string displayName)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{roomId:N}\n{token}\n{displayName.Trim()}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
