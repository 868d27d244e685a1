using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Structs;

/// <summary>The table from wire content tag to reader.</summary>
internal static class ContentReaders
{
    private static readonly Func<IUpdateDecoder, IContent>?[] Table =
    [
        null, // 0: GC is a struct, not content
        ContentDeleted.Read,
        ContentJson.Read,
        ContentBinary.Read,
        ContentString.Read,
        ContentEmbed.Read,
        ContentFormat.Read,
        ContentType.Read,
        ContentAny.Read,
        ContentDoc.Read,
        null, // 10: Skip is a struct, not content
    ];

    public static IContent Read(IUpdateDecoder decoder, int contentRef)
    {
        var reader = contentRef < Table.Length ? Table[contentRef] : null;
        return reader is null
            ? throw new CrdtFormatException($"unknown content kind {contentRef}")
            : reader(decoder);
    }
}
