namespace PeerCode.Domain.Rooms;

/// <summary>The browser saw a paste of <paramref name="Size"/> UTF-16 characters into the editor (the text itself arrives as a document update).</summary>
public sealed record PasteDetected(Guid ParticipantId, int Size, DateTimeOffset At) : IRoomEvent;

/// <summary>The participant's editor window lost (<paramref name="Focused"/> false) or regained focus.</summary>
public sealed record FocusChanged(Guid ParticipantId, bool Focused, DateTimeOffset At) : IRoomEvent;

public sealed record ReportPaste(Guid ParticipantId, int Size, DateTimeOffset At) : IRoomCommand;

public sealed record ReportFocus(Guid ParticipantId, bool Focused, DateTimeOffset At) : IRoomCommand;

/// <summary>
/// Integrity signals reported by a participant's browser: recorded as they are, for the audit. Only a participant of the
/// room reports them; observers do not edit, so their pastes and focus are not signals about the candidate's work.
/// </summary>
public static class IntegritySignalRules
{
    /// <summary>The largest paste size recorded as is; a larger claim is refused as implausible (Monaco's model limit is far below).</summary>
    public const int MaxPasteSize = 64 * 1024 * 1024;

    public static RoomDecision Decide(ReportPaste c, RoomState state) =>
        Check(state, c.ParticipantId)
        ?? (c.Size is < 0 or > MaxPasteSize
            ? RoomDecision.Refuse(new("invalid-paste-size", $"A paste size is a number of characters from 0 to {MaxPasteSize}; got {c.Size}."))
            : RoomDecision.Accept(new PasteDetected(c.ParticipantId, c.Size, c.At)));

    public static RoomDecision Decide(ReportFocus c, RoomState state) =>
        Check(state, c.ParticipantId) ?? RoomDecision.Accept(new FocusChanged(c.ParticipantId, c.Focused, c.At));

    private static RoomDecision? Check(RoomState state, Guid participantId) =>
        !state.Exists ? RoomDecision.Refuse(RoomError.NotFound)
        : !state.Participants.TryGetValue(participantId, out var p) ? RoomDecision.Refuse(RoomError.NotJoined)
        : p.Role == ParticipantRole.Observer ? RoomDecision.Refuse(RoomError.ReadOnly)
        : null;
}
