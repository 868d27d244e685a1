using System.Text;
using System.Text.Json;

namespace PeerCode.Application.Rooms;

/// <summary>A y-protocols message the server cannot accept, with a stable code; <see cref="Hostile"/> ones end the connection.</summary>
public sealed class YjsMessageException(string code, string message, bool hostile) : Exception(message)
{
    public string Code { get; } = code;
    public bool Hostile { get; } = hostile;
}

public enum SyncStep { Step1 = 0, Step2 = 1, Update = 2 }

/// <summary>One decoded y-protocols message: a sync message (step 1 with a state vector; step 2 or update with an update) or an awareness update.</summary>
public abstract record YjsMessage
{
    private YjsMessage() { }
    public sealed record Sync(SyncStep Step, byte[] Payload) : YjsMessage;
    public sealed record Awareness(byte[] Update, IReadOnlyList<AwarenessEntry> Entries) : YjsMessage;
}

/// <summary>One client's entry of an awareness update; <paramref name="StateJson"/> is "null" when the client went away.</summary>
public sealed record AwarenessEntry(long ClientId, long Clock, string StateJson)
{
    public bool Removed => StateJson == "null";
}

/// <summary>
/// The y-protocols framing (lib0 encoding): [0, step, varUint8Array] for sync, [1, varUint8Array] for awareness, whose
/// payload is [count, (clientId, clock, varString json)*]. Decoding is strict: trailing bytes or truncation are errors.
/// </summary>
public static class YjsMessages
{
    public const int MessageSync = 0;
    public const int MessageAwareness = 1;

    public static YjsMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new Lib0Reader(bytes);
        var type = r.VarUint();
        YjsMessage message;
        switch (type)
        {
            case MessageSync:
                var step = r.VarUint();
                if (step > 2) throw new YjsMessageException("unknown-message-type", $"Sync message step {step} does not exist; steps are 0, 1 and 2.", hostile: true);
                message = new YjsMessage.Sync((SyncStep)step, r.VarBytes().ToArray());
                break;
            case MessageAwareness:
                var update = r.VarBytes().ToArray();
                message = new YjsMessage.Awareness(update, DecodeAwareness(update));
                break;
            default:
                throw new YjsMessageException("unknown-message-type", $"Message type {type} is not a y-protocols message this server accepts (0 sync, 1 awareness).", hostile: true);
        }
        if (!r.AtEnd) throw Malformed($"{r.Remaining} bytes follow the end of the message.");
        return message;
    }

    public static IReadOnlyList<AwarenessEntry> DecodeAwareness(ReadOnlySpan<byte> update)
    {
        var r = new Lib0Reader(update);
        var count = r.VarUint();
        if (count > 1000) throw Malformed($"An awareness update with {count} entries is more than any room has clients.");
        var entries = new List<AwarenessEntry>((int)count);
        for (var i = 0UL; i < count; i++)
        {
            var client = r.VarUint();
            var clock = r.VarUint();
            var json = r.VarString();
            try { using var _ = JsonDocument.Parse(json); }
            catch (JsonException e) { throw Malformed($"Awareness state of client {client} is not JSON: {e.Message}"); }
            entries.Add(new AwarenessEntry(checked((long)client), checked((long)clock), json));
        }
        if (!r.AtEnd) throw Malformed($"{r.Remaining} bytes follow the end of the awareness update.");
        return entries;
    }

    public static byte[] EncodeSync(SyncStep step, ReadOnlySpan<byte> payload)
    {
        var w = new Lib0Writer(payload.Length + 12);
        w.VarUint(MessageSync); w.VarUint((ulong)step); w.VarBytes(payload);
        return w.ToArray();
    }

    public static byte[] EncodeAwareness(ReadOnlySpan<byte> update)
    {
        var w = new Lib0Writer(update.Length + 8);
        w.VarUint(MessageAwareness); w.VarBytes(update);
        return w.ToArray();
    }

    public static byte[] EncodeAwarenessUpdate(IEnumerable<AwarenessEntry> entries)
    {
        var list = entries.ToList();
        var w = new Lib0Writer(64);
        w.VarUint((ulong)list.Count);
        foreach (var e in list)
        {
            w.VarUint((ulong)e.ClientId); w.VarUint((ulong)e.Clock); w.VarString(e.StateJson);
        }
        return w.ToArray();
    }

    public static YjsMessageException Malformed(string why) => new("malformed-message", $"Malformed y-protocols message: {why}", hostile: true);
}

/// <summary>lib0's variable-length unsigned integers (7 bits a byte, little end first) and length-prefixed bytes and strings.</summary>
public ref struct Lib0Reader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _pos;

    public readonly bool AtEnd => _pos == _bytes.Length;
    public readonly int Remaining => _bytes.Length - _pos;

    public ulong VarUint()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (_pos >= _bytes.Length) throw YjsMessages.Malformed("a variable-length integer is cut off.");
            if (shift > 49) throw YjsMessages.Malformed("a variable-length integer is longer than 53 bits.");
            var b = _bytes[_pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public ReadOnlySpan<byte> VarBytes()
    {
        var length = VarUint();
        if (length > (ulong)Remaining) throw YjsMessages.Malformed($"a field claims {length} bytes but only {Remaining} follow.");
        var slice = _bytes.Slice(_pos, (int)length);
        _pos += (int)length;
        return slice;
    }

    public ReadOnlySpan<byte> Fixed(int length)
    {
        if (length > Remaining) throw YjsMessages.Malformed($"a {length}-byte field is cut off.");
        var slice = _bytes.Slice(_pos, length);
        _pos += length;
        return slice;
    }

    public string VarString()
    {
        var bytes = VarBytes();
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw YjsMessages.Malformed("a string is not valid UTF-8."); }
    }
}

public sealed class Lib0Writer(int capacity)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 16)];
    private int _length;

    public void VarUint(ulong value)
    {
        while (value >= 0x80) { Byte((byte)(value | 0x80)); value >>= 7; }
        Byte((byte)value);
    }

    public void VarBytes(ReadOnlySpan<byte> bytes)
    {
        VarUint((ulong)bytes.Length);
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void VarString(string s) => VarBytes(Encoding.UTF8.GetBytes(s));

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Byte(byte b) { Ensure(1); _buffer[_length++] = b; }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
