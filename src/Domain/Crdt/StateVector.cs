using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt;

/// <summary>For each client, the next clock expected from it (how much of its history we have).</summary>
public sealed class StateVector
{
    private readonly Dictionary<uint, int> _clocks = [];

    public IReadOnlyDictionary<uint, int> Clocks => _clocks;

    public int Get(uint client) => _clocks.GetValueOrDefault(client);
    public void Set(uint client, int clock) => _clocks[client] = clock;
    public bool Contains(uint client) => _clocks.ContainsKey(client);

    public byte[] Encode()
    {
        var w = new Lib0Writer();
        Write(w);
        return w.ToArray();
    }

    public void Write(Lib0Writer w)
    {
        w.WriteVarUInt((ulong)_clocks.Count);
        foreach (var (client, clock) in _clocks.OrderByDescending(kv => kv.Key))
        {
            w.WriteVarUInt(client);
            w.WriteVarUInt((ulong)clock);
        }
    }

    public static StateVector Decode(byte[] bytes) => Read(new Lib0Reader(bytes));

    public static StateVector Read(Lib0Reader r)
    {
        var count = r.ReadVarUInt();
        if (count > (ulong)r.Remaining / 2) throw new CrdtFormatException($"state vector with {count} entries runs past the end of the input");
        var sv = new StateVector();
        for (var i = 0UL; i < count; i++)
        {
            var client = r.ReadVarUInt32();
            sv.Set(client, r.ReadVarIndex());
        }
        return sv;
    }

    public override bool Equals(object? obj) =>
        obj is StateVector o && o._clocks.Count == _clocks.Count && _clocks.All(kv => o._clocks.TryGetValue(kv.Key, out var c) && c == kv.Value);

    public override int GetHashCode() => _clocks.Count;

    public override string ToString() => string.Join(",", _clocks.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}"));
}
