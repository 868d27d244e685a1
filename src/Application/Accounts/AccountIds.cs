using System.Security.Cryptography;
using System.Text;
using PeerCode.Domain.Accounts;

namespace PeerCode.Application.Accounts;

/// <summary>
/// An account's id is a name-based UUID (RFC 9562 version 5, SHA-1) of its normalized email, so "is this email taken"
/// and "which stream do I sign in against" are both answered by one small stream (`account-{id}`) with no lookup
/// table, and two registrations of one email race on the same stream, where ExpectedRevision.NoStream lets one win.
/// </summary>
public static class AccountIds
{
    /// <summary>PeerCode's namespace for account ids (a fixed random UUID; never change it: every stored account id depends on it).</summary>
    public static readonly Guid Namespace = new("3d8f6c2e-5a1b-4f7e-9c0d-2b6a8e4f1a37");

    public static Guid ForEmail(string email) => NameBased(Namespace, AccountRules.NormalizeEmail(email));

    public static Guid NameBased(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        ns.TryWriteBytes(input[..16], bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
