using System.Security.Cryptography;

namespace PeerCode.Application.Accounts;

/// <summary>One-time secrets of accounts (invitation codes): 256 random bits, base64url; only their SHA-256 is stored.</summary>
public static class AccountSecrets
{
    public static string NewCode() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(code)));
}
