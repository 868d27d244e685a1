using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;

namespace PeerCode.Domain.Crdt.Types;

/// <summary>
/// A position in a text while formatting: the neighbours, the index, and the attributes in effect there.
/// Implements yjs's rich-text rules: formatting marks around inserted or formatted ranges, negated at the end,
/// and redundant marks removed when a deletion closes a gap.
/// </summary>
internal sealed class TextPosition(Item? left, Item? right, int index, Dictionary<string, AnyValue> currentAttributes)
{
    public Item? Left = left;
    public Item? Right = right;
    public int Index = index;
    public readonly Dictionary<string, AnyValue> CurrentAttributes = currentAttributes;

    public void Forward()
    {
        var right = Right ?? throw new InvalidOperationException("cannot move past the end of the text");
        if (right.Content is ContentFormat f)
        {
            if (!right.Deleted) Update(CurrentAttributes, f);
        }
        else if (!right.Deleted)
        {
            Index += right.Length;
        }
        Left = right;
        Right = right.Right;
    }

    public static void Update(Dictionary<string, AnyValue> attributes, ContentFormat f)
    {
        if (f.Value.IsNull) attributes.Remove(f.Key);
        else attributes[f.Key] = f.Value.Value;
    }

    /// <summary>JavaScript's === on attribute values: primitives by value, objects by identity.</summary>
    public static bool Identical(AnyValue? a, AnyValue? b)
    {
        a = Normalize(a);
        b = Normalize(b);
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (a.Kind is AnyKind.Object or AnyKind.Array or AnyKind.Bytes || b.Kind is AnyKind.Object or AnyKind.Array or AnyKind.Bytes) return false;
        return a.Equals(b);
    }

    /// <summary>yjs's equalAttrs: identical, or two objects whose keys hold identical values.</summary>
    public static bool EqualAttrs(AnyValue? a, AnyValue? b)
    {
        if (Identical(a, b)) return true;
        a = Normalize(a);
        b = Normalize(b);
        if (a is not { Kind: AnyKind.Object } || b is not { Kind: AnyKind.Object } || a.Entries.Count != b.Entries.Count) return false;
        foreach (var (k, v) in a.Entries)
        {
            var match = b.Entries.FirstOrDefault(e => e.Key == k);
            if (match.Key is null || !Identical(v, match.Value)) return false;
        }
        return true;
    }

    private static AnyValue? Normalize(AnyValue? v) => v is null || v.Kind is AnyKind.Null or AnyKind.Undefined ? null : v;
}

internal static class TextFormatting
{
    public static AnyValue? Get(IReadOnlyDictionary<string, AnyValue?> attributes, string key) =>
        attributes.TryGetValue(key, out var v) ? v : null;

    /// <summary>Walks right past deleted items and marks that already say what <paramref name="attributes"/> say.</summary>
    public static void MinimizeAttributeChanges(TextPosition pos, IReadOnlyDictionary<string, AnyValue?> attributes)
    {
        while (pos.Right is { } right
               && (right.Deleted || right.Content is ContentFormat f && TextPosition.EqualAttrs(Get(attributes, f.Key), f.Value.Value)))
            pos.Forward();
    }

    /// <summary>Inserts a mark for each attribute that differs from what is in effect; returns the values to restore after.</summary>
    public static Dictionary<string, AnyValue?> InsertAttributes(Transaction tr, Branch parent, TextPosition pos, IReadOnlyDictionary<string, AnyValue?> attributes)
    {
        var negated = new Dictionary<string, AnyValue?>();
        foreach (var (key, value) in attributes)
        {
            var current = pos.CurrentAttributes.GetValueOrDefault(key);
            if (TextPosition.EqualAttrs(current, value)) continue;
            negated[key] = current;
            pos.Right = InsertItem(tr, parent, pos, new ContentFormat(key, JsonText.FromValue(value ?? AnyValue.Null)));
            pos.Forward();
        }
        return negated;
    }

    public static void InsertNegatedAttributes(Transaction tr, Branch parent, TextPosition pos, Dictionary<string, AnyValue?> negated)
    {
        while (pos.Right is { } right
               && (right.Deleted || right.Content is ContentFormat f && TextPosition.EqualAttrs(negated.GetValueOrDefault(f.Key), f.Value.Value)))
        {
            if (!right.Deleted) negated.Remove(((ContentFormat)right.Content).Key);
            pos.Forward();
        }
        foreach (var (key, value) in negated)
        {
            pos.Right = InsertItem(tr, parent, pos, new ContentFormat(key, JsonText.FromValue(value ?? AnyValue.Null)));
            pos.Forward();
        }
    }

    public static Item InsertItem(Transaction tr, Branch parent, TextPosition pos, IContent content)
    {
        var doc = tr.Doc;
        var left = pos.Left;
        var right = pos.Right;
        var item = new Item(new Id(doc.ClientId, doc.Store.GetState(doc.ClientId)), left, left?.LastId, right, right?.Id, parent, null, null, content);
        item.Integrate(tr, 0);
        return item;
    }

    public static void FormatText(Transaction tr, Branch parent, TextPosition pos, int length, IReadOnlyDictionary<string, AnyValue?> attributes)
    {
        MinimizeAttributeChanges(pos, attributes);
        var negated = InsertAttributes(tr, parent, pos, attributes);
        while (pos.Right is { } right && (length > 0 || (negated.Count > 0 && (right.Deleted || right.Content is ContentFormat))))
        {
            if (!right.Deleted)
            {
                if (right.Content is ContentFormat f)
                {
                    if (attributes.TryGetValue(f.Key, out var attr))
                    {
                        if (TextPosition.EqualAttrs(attr, f.Value.Value)) negated.Remove(f.Key);
                        else
                        {
                            if (length == 0) break;
                            negated[f.Key] = f.Value.Value;
                        }
                        right.Delete(tr);
                    }
                    else
                    {
                        pos.CurrentAttributes[f.Key] = f.Value.Value;
                    }
                }
                else
                {
                    if (length < right.Length) tr.Doc.Store.SplitAt(tr, right, length);
                    length -= right.Length;
                }
            }
            pos.Forward();
        }
        if (length > 0)
        {
            pos.Right = InsertItem(tr, parent, pos, ContentString.Of(new string('\n', length)));
            pos.Forward();
        }
        InsertNegatedAttributes(tr, parent, pos, negated);
    }

    /// <summary>After a deletion, removes marks between <paramref name="start"/> and the next content that became redundant.</summary>
    public static void CleanupFormattingGap(Transaction tr, Item? start, Item? curr, Dictionary<string, AnyValue> startAttributes, Dictionary<string, AnyValue> currAttributes)
    {
        var end = start;
        var endFormats = new Dictionary<string, ContentFormat>();
        while (end is not null && (!end.Countable || end.Deleted))
        {
            if (!end.Deleted && end.Content is ContentFormat cf) endFormats[cf.Key] = cf;
            end = end.Right;
        }
        var reachedCurr = false;
        while (start is not null && start != end)
        {
            if (curr == start) reachedCurr = true;
            if (!start.Deleted && start.Content is ContentFormat f)
            {
                var startValue = startAttributes.GetValueOrDefault(f.Key);
                if (endFormats.GetValueOrDefault(f.Key) != f || TextPosition.Identical(startValue, f.Value.Value))
                {
                    start.Delete(tr);
                    if (!reachedCurr && TextPosition.Identical(currAttributes.GetValueOrDefault(f.Key), f.Value.Value) && !TextPosition.Identical(startValue, f.Value.Value))
                    {
                        if (startValue is null) currAttributes.Remove(f.Key);
                        else currAttributes[f.Key] = startValue;
                    }
                }
                if (!reachedCurr && !start.Deleted) TextPosition.Update(currAttributes, f);
            }
            start = start.Right;
        }
    }
}
