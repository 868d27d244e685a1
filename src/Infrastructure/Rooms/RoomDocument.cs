using PeerCode.Application.Rooms;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>
/// The server's copy of one room's Yjs document. Everything the room needs from a CRDT goes through this one class,
/// so its engine can be swapped without touching the hub or the room.
///
/// STOPGAP until the CRDT engine (src/Domain/Crdt) lands: the document is kept as the log of the updates it received,
/// each one checked by a full structural decode of the update v1 format (<see cref="UpdateV1Shape"/>). It answers a
/// state vector with every logged update the vector does not cover (several sync step 2 messages instead of one
/// merged update), and it cannot merge, so it takes no snapshots and decodes no cursor positions.
/// </summary>
public sealed class RoomDocument
{
    private readonly List<(byte[] Update, UpdateV1Shape Shape)> _log = [];
    private readonly Dictionary<ulong, ulong> _stateVector = [];

    public static RoomDocument Empty() => new();

    public static RoomDocument FromSnapshot(byte[] state)
    {
        var document = new RoomDocument();
        document.Apply(Check(state));
        return document;
    }

    /// <summary>False while the engine cannot produce a merged state (no snapshots are taken then).</summary>
    public bool CanSnapshot => false;

    /// <summary>Decodes the whole update; throws <see cref="YjsMessageException"/> when it is not a valid Yjs v1 update.</summary>
    public static CheckedUpdate Check(byte[] update) => new(update, UpdateV1Shape.Read(update));

    public void Apply(CheckedUpdate update)
    {
        if (update.Shape.IsEmpty) return;
        _log.Add((update.Bytes, update.Shape));
        foreach (var (client, end) in update.Shape.Ends)
            if (!_stateVector.TryGetValue(client, out var known) || end > known) _stateVector[client] = end;
    }

    public byte[] EncodeState() => throw new NotSupportedException("The stopgap document cannot merge updates; check CanSnapshot first.");

    /// <summary>The line and column a y-monaco relative position (its JSON form) points at; the stopgap cannot resolve any.</summary>
    public Domain.Rooms.TextPosition? Resolve(System.Text.Json.JsonElement relativePosition) => null;

    public byte[] EncodeStateVector()
    {
        var w = new Lib0Writer(8 + _stateVector.Count * 8);
        w.VarUint((ulong)_stateVector.Count);
        foreach (var (client, clock) in _stateVector.OrderByDescending(p => p.Key)) { w.VarUint(client); w.VarUint(clock); }
        return w.ToArray();
    }

    /// <summary>The updates a peer with <paramref name="stateVector"/> lacks (each a valid sync step 2 payload).</summary>
    public IReadOnlyList<byte[]> DiffFor(byte[] stateVector)
    {
        var remote = DecodeStateVector(stateVector);
        var missing = _log.Where(e => e.Shape.Ends.Any(p => !remote.TryGetValue(p.Key, out var c) || c < p.Value) || e.Shape.HasDeletes)
            .Select(e => e.Update).ToList();
        return missing.Count > 0 ? missing : [UpdateV1Shape.EmptyUpdate];
    }

    public static Dictionary<ulong, ulong> DecodeStateVector(byte[] stateVector)
    {
        var r = new Lib0Reader(stateVector);
        var count = r.VarUint();
        var result = new Dictionary<ulong, ulong>();
        for (var i = 0UL; i < count; i++) result[r.VarUint()] = r.VarUint();
        if (!r.AtEnd) throw YjsMessages.Malformed("bytes follow the end of the state vector.");
        return result;
    }

    public sealed record CheckedUpdate(byte[] Bytes, UpdateV1Shape Shape)
    {
        public bool IsEmpty => Shape.IsEmpty;
    }
}
