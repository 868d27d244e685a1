namespace PeerCode.Infrastructure.Runs;

/// <summary>
/// Compares a program's stdout with a test's expected output the way judges usually do: trailing whitespace on each
/// line and trailing empty lines are ignored; everything else must match exactly.
/// </summary>
public static class OutputComparison
{
    private const int MaxShown = 120;

    /// <summary>Null when the outputs match; otherwise a short description of the first differing line.</summary>
    public static string? Diff(string expected, string actual)
    {
        var e = Normalise(expected);
        var a = Normalise(actual);
        for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
        {
            var el = i < e.Count ? e[i] : null;
            var al = i < a.Count ? a[i] : null;
            if (el == al) continue;
            return (el, al) switch
            {
                (null, _) => $"line {i + 1}: expected end of output, got {Quote(al!)}",
                (_, null) => $"line {i + 1}: expected {Quote(el)}, got end of output",
                _ => $"line {i + 1}: expected {Quote(el)}, got {Quote(al)}",
            };
        }
        return null;
    }

    private static List<string> Normalise(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static string Quote(string s) => s.Length <= MaxShown ? $"\"{s}\"" : $"\"{s[..MaxShown]}\"… ({s.Length} characters)";
}
