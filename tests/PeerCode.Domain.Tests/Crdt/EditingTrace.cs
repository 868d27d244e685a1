using System.IO.Compression;
using System.Text.Json;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Types;

namespace PeerCode.Domain.Tests.Crdt;

public sealed record TracePatch(int Position, int DeleteCount, string Insert);

public sealed record TraceTransaction(int[] Parents, int Agent, TracePatch[] Patches);

/// <summary>An editing trace from ../shared/data/editing-traces (positions in Unicode code points).</summary>
public sealed record EditingTrace(string StartContent, string EndContent, int NumAgents, TraceTransaction[] Transactions)
{
    public static EditingTrace Load(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gz);
        var root = json.RootElement;
        var txns = root.GetProperty("txns").EnumerateArray().Select(t => new TraceTransaction(
            t.TryGetProperty("parents", out var p) ? p.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [],
            t.TryGetProperty("agent", out var a) ? a.GetInt32() : 0,
            t.GetProperty("patches").EnumerateArray().Select(x => new TracePatch(x[0].GetInt32(), x[1].GetInt32(), x[2].GetString()!)).ToArray())).ToArray();
        return new EditingTrace(
            root.TryGetProperty("startContent", out var s) ? s.GetString()! : "",
            root.GetProperty("endContent").GetString()!,
            root.TryGetProperty("numAgents", out var n) ? n.GetInt32() : 1,
            txns);
    }
}

/// <summary>Applies code-point patches to a Y.Text, whose indices are UTF-16 units.</summary>
public sealed class CodePointEditor(YText text)
{
    // Code-point indices of the characters outside the BMP (two UTF-16 units each), kept sorted.
    private readonly List<int> _astral = [];

    public void Apply(TracePatch patch)
    {
        var at = ToUtf16(patch.Position);
        if (patch.DeleteCount > 0)
        {
            var end = ToUtf16(patch.Position + patch.DeleteCount);
            text.Delete(at, end - at);
            var first = LowerBound(patch.Position);
            var last = LowerBound(patch.Position + patch.DeleteCount);
            _astral.RemoveRange(first, last - first);
            for (var i = first; i < _astral.Count; i++) _astral[i] -= patch.DeleteCount;
        }
        if (patch.Insert.Length > 0)
        {
            text.Insert(at, patch.Insert);
            var added = new List<int>();
            var cp = patch.Position;
            for (var i = 0; i < patch.Insert.Length; i++, cp++)
                if (char.IsHighSurrogate(patch.Insert[i]) && i + 1 < patch.Insert.Length && char.IsLowSurrogate(patch.Insert[i + 1]))
                {
                    added.Add(cp);
                    i++;
                }
            var count = cp - patch.Position;
            var from = LowerBound(patch.Position);
            for (var i = from; i < _astral.Count; i++) _astral[i] += count;
            _astral.InsertRange(from, added);
        }
    }

    private int ToUtf16(int codePoint) => codePoint + LowerBound(codePoint);

    private int LowerBound(int codePoint)
    {
        int lo = 0, hi = _astral.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_astral[mid] < codePoint) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
