namespace PeerCode.Domain.Rooms;

/// <summary>Every event of a room stream (`room-{id}`). Stored shapes never change: a new shape is a new version.</summary>
public interface IRoomEvent
{
    DateTimeOffset At { get; }
}

public enum ParticipantRole { Interviewer, Candidate, Observer }

/// <summary>SHA-256 hashes (hex) of the three role-scoped link tokens; the tokens themselves are never stored.</summary>
public sealed record RoomTokenHashes(string Interviewer, string Candidate, string Observer);

/// <summary>A 1-based line and column in the document text (Monaco's convention).</summary>
public sealed record TextPosition(int Line, int Column);

public sealed record RoomCreated(Guid RoomId, string Title, string Language, RoomTokenHashes TokenHashes, DateTimeOffset At) : IRoomEvent;

public sealed record ParticipantJoined(Guid ParticipantId, string Name, ParticipantRole Role, string Color, DateTimeOffset At) : IRoomEvent;

public sealed record ParticipantLeft(Guid ParticipantId, DateTimeOffset At) : IRoomEvent;

/// <summary>One Yjs update (v1 encoding) exactly as the participant's Yjs client <paramref name="ClientId"/> sent it.</summary>
public sealed record DocumentUpdated(byte[] Update, long ClientId, Guid ParticipantId, DateTimeOffset At) : IRoomEvent;

/// <summary>
/// One awareness entry (the y-protocols awareness update for one client) plus its cursor and selection decoded
/// to absolute positions when the state carries them, so cursor history is queryable without a CRDT.
/// </summary>
public sealed record AwarenessUpdated(
    byte[] Entry, long ClientId, Guid ParticipantId, TextPosition? Cursor, TextPosition? SelectionStart, TextPosition? SelectionEnd,
    DateTimeOffset At) : IRoomEvent;

public sealed record ChatMessagePosted(Guid MessageId, Guid ParticipantId, string Name, string Text, DateTimeOffset At) : IRoomEvent;

public sealed record LanguageChanged(string Language, Guid ParticipantId, DateTimeOffset At) : IRoomEvent;

/// <summary>
/// The merged document (<paramref name="State"/>, a Yjs v1 update) and its state vector, holding every document update
/// at stream revision <paramref name="CoversRevision"/> or below; a loader replays only the updates after it.
/// </summary>
public sealed record DocumentSnapshotTaken(byte[] State, byte[] StateVector, long CoversRevision, DateTimeOffset At) : IRoomEvent;

/// <summary>
/// The room's question (from the bank) is now <paramref name="QuestionId"/> at its stream revision <paramref name="Revision"/>
/// (later edits of the question do not change what this room asked). <paramref name="ParticipantId"/> is the interviewer
/// in the room who picked it, or null when it was picked outside the room (REST, an interview scheduled with a question);
/// <paramref name="By"/> is the signed-in account that picked it, when known.
/// </summary>
public sealed record QuestionSelected(Guid QuestionId, string Title, long Revision, Guid? ParticipantId, string? By, DateTimeOffset At) : IRoomEvent;

/// <summary>The stable wire names (the event store's type column). Never rename one.</summary>
public static class RoomEventTypes
{
    public const string StreamPrefix = "room-";

    public static string StreamOf(Guid roomId) => StreamPrefix + roomId.ToString("N");

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        ["room.created.v1"] = typeof(RoomCreated),
        ["room.participant-joined.v1"] = typeof(ParticipantJoined),
        ["room.participant-left.v1"] = typeof(ParticipantLeft),
        ["room.document-updated.v1"] = typeof(DocumentUpdated),
        ["room.awareness-updated.v1"] = typeof(AwarenessUpdated),
        ["room.chat-message-posted.v1"] = typeof(ChatMessagePosted),
        ["room.language-changed.v1"] = typeof(LanguageChanged),
        ["room.document-snapshot-taken.v1"] = typeof(DocumentSnapshotTaken),
        ["room.paste-detected.v1"] = typeof(PasteDetected),
        ["room.focus-changed.v1"] = typeof(FocusChanged),
        ["room.interviewers-assigned.v1"] = typeof(InterviewersAssigned),
        ["room.link-issued.v1"] = typeof(LinkIssued),
        ["room.link-revoked.v1"] = typeof(LinkRevoked),
        ["room.private-note-posted.v1"] = typeof(PrivateNotePosted),
        ["room.question-selected.v1"] = typeof(QuestionSelected),
    };

    public static readonly IReadOnlyDictionary<Type, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(IRoomEvent e) => ByType[e.GetType()];
}
