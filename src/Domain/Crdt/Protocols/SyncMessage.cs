using PeerCode.Domain.Crdt.Encoding;

namespace PeerCode.Domain.Crdt.Protocols;

public enum SyncMessageType : byte
{
    /// <summary>"Here is my state vector; send me what I lack."</summary>
    Step1 = 0,

    /// <summary>The answer to step 1: an update with everything the asker lacks.</summary>
    Step2 = 1,

    /// <summary>An incremental update.</summary>
    Update = 2,
}

/// <summary>A y-protocols sync message: its type and its payload (a state vector or a v1 update).</summary>
public sealed record SyncMessage(SyncMessageType Type, byte[] Payload)
{
    public static SyncMessage Step1(Doc doc) => new(SyncMessageType.Step1, doc.EncodeStateVector());
    public static SyncMessage Step2(Doc doc, byte[] stateVector) => new(SyncMessageType.Step2, doc.EncodeStateAsUpdate(stateVector));
    public static SyncMessage ForUpdate(byte[] update) => new(SyncMessageType.Update, update);

    public void Write(Lib0Writer w)
    {
        w.WriteVarUInt((ulong)Type);
        w.WriteVarBytes(Payload);
    }

    public byte[] Encode()
    {
        var w = new Lib0Writer(Payload.Length + 8);
        Write(w);
        return w.ToArray();
    }

    public static SyncMessage Read(Lib0Reader r)
    {
        var type = r.ReadVarUInt();
        if (type > (ulong)SyncMessageType.Update) throw new CrdtFormatException($"unknown sync message type {type}");
        return new SyncMessage((SyncMessageType)type, r.ReadVarBytes().ToArray());
    }

    public static SyncMessage Decode(byte[] bytes)
    {
        var r = new Lib0Reader(bytes);
        var m = Read(r);
        if (r.HasContent) throw new CrdtFormatException("unexpected bytes after the sync message");
        return m;
    }

    /// <summary>
    /// Handles a received message as y-protocols' readSyncMessage does: step 1 gets a step 2 reply, step 2 and
    /// updates are applied (a malformed one throws <see cref="CrdtFormatException"/> and changes nothing).
    /// </summary>
    public SyncMessage? ApplyTo(Doc doc)
    {
        switch (Type)
        {
            case SyncMessageType.Step1:
                StateVector.Decode(Payload); // validate before answering
                return Step2(doc, Payload);
            default:
                doc.ApplyUpdate(Payload);
                return null;
        }
    }
}
