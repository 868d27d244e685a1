using System.Text;

namespace PeerCode.Application.Replay;

/// <summary>A line diff of two code versions: "  " unchanged, "- " removed, "+ " added; the longest common subsequence of lines.</summary>
public static class LineDiff
{
    /// <summary>Beyond this many cells of the LCS table the middle is shown as replaced wholesale (still correct, less minimal).</summary>
    private const long MaxCells = 4_000_000;

    public static string Unified(string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);
        int prefix = 0, suffix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;
        var sb = new StringBuilder();
        for (var i = 0; i < prefix; i++) sb.Append("  ").Append(a[i]).Append('\n');
        var am = a[prefix..(a.Length - suffix)];
        var bm = b[prefix..(b.Length - suffix)];
        if ((long)am.Length * bm.Length > MaxCells)
        {
            foreach (var l in am) sb.Append("- ").Append(l).Append('\n');
            foreach (var l in bm) sb.Append("+ ").Append(l).Append('\n');
        }
        else
        {
            Middle(am, bm, sb);
        }
        for (var i = a.Length - suffix; i < a.Length; i++) sb.Append("  ").Append(a[i]).Append('\n');
        return sb.ToString();
    }

    private static void Middle(string[] a, string[] b, StringBuilder sb)
    {
        // lcs[i, j] = length of the LCS of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { sb.Append("  ").Append(a[x]).Append('\n'); x++; y++; }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) sb.Append("- ").Append(a[x++]).Append('\n');
            else sb.Append("+ ").Append(b[y++]).Append('\n');
        }
        while (x < a.Length) sb.Append("- ").Append(a[x++]).Append('\n');
        while (y < b.Length) sb.Append("+ ").Append(b[y++]).Append('\n');
    }

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.Replace("\r\n", "\n").Split('\n');
}
