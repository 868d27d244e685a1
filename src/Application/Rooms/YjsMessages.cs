using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Protocols;

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
/// The y-protocols framing (lib0 encoding): [0, step, varUint8Array] for sync, [1, varUint8Array] for awareness.
/// The codecs are the CRDT engine's (PeerCode.Domain.Crdt.Protocols); this adds the outer message type and turns
/// their format errors into the hub's error codes. Decoding is strict: trailing bytes or truncation are errors.
/// </summary>
public static class YjsMessages
{
    public const int MessageSync = 0;
    public const int MessageAwareness = 1;

    public static YjsMessage Decode(byte[] bytes)
    {
        try
        {
            var r = new Lib0Reader(bytes);
            var type = r.ReadVarUInt();
            YjsMessage message;
            switch (type)
            {
                case MessageSync:
                    var step = r.ReadVarUInt();
                    if (step > 2) throw new YjsMessageException("unknown-message-type", $"Sync message step {step} does not exist; steps are 0, 1 and 2.", hostile: true);
                    message = new YjsMessage.Sync((SyncStep)step, r.ReadVarBytes().ToArray());
                    break;
                case MessageAwareness:
                    var update = r.ReadVarBytes().ToArray();
                    message = new YjsMessage.Awareness(update, DecodeAwareness(update));
                    break;
                default:
                    throw new YjsMessageException("unknown-message-type", $"Message type {type} is not a y-protocols message this server accepts (0 sync, 1 awareness).", hostile: true);
            }
            if (r.HasContent) throw Malformed($"{r.Remaining} bytes follow the end of the message.");
            return message;
        }
        catch (CrdtFormatException e) { throw Malformed(e.Message); }
    }

    public static IReadOnlyList<AwarenessEntry> DecodeAwareness(byte[] update)
    {
        try
        {
            return AwarenessUpdate.Decode(update).Entries
                .Select(e => new AwarenessEntry(checked((long)e.ClientId), checked((long)e.Clock), e.StateJson ?? "null")).ToList();
        }
        catch (Exception e) when (e is CrdtFormatException or OverflowException) { throw Malformed(e.Message); }
    }

    public static byte[] EncodeSync(SyncStep step, byte[] payload)
    {
        var w = new Lib0Writer(payload.Length + 12);
        w.WriteVarUInt(MessageSync);
        new SyncMessage((SyncMessageType)step, payload).Write(w);
        return w.ToArray();
    }

    public static byte[] EncodeAwareness(ReadOnlySpan<byte> update)
    {
        var w = new Lib0Writer(update.Length + 8);
        w.WriteVarUInt(MessageAwareness);
        w.WriteVarBytes(update);
        return w.ToArray();
    }

    public static byte[] EncodeAwarenessUpdate(IEnumerable<AwarenessEntry> entries) =>
        new AwarenessUpdate(entries.Select(e => new Domain.Crdt.Protocols.AwarenessEntry((ulong)e.ClientId, (ulong)e.Clock, e.Removed ? null : e.StateJson)).ToList())
            .Encode();

    public static YjsMessageException Malformed(string why) => new("malformed-message", $"Malformed y-protocols message: {why}", hostile: true);
}
