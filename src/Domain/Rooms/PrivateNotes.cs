namespace PeerCode.Domain.Rooms;

/// <summary>
/// An interviewer's private note, taken during the interview. Only interviewers ever receive it: live, in the notes list and
/// in their replay; every other audience sees, at most, that an event of this type sits at its revision (data redacted).
/// <paramref name="AccountId"/> is the signed-in account that wrote it, when there is one.
/// </summary>
public sealed record PrivateNotePosted(Guid NoteId, Guid ParticipantId, Guid? AccountId, string Name, string Text, DateTimeOffset At) : IRoomEvent;

public sealed record PostPrivateNote(Guid NoteId, Guid ParticipantId, Guid? AccountId, string Text, DateTimeOffset At) : IRoomCommand;

public static class PrivateNoteRules
{
    /// <summary>
    /// Every wire name of a room event meant for interviewers only starts with this (room.private-note-posted.v1 and any
    /// later private-note event). Redaction keys on it, so a new private event is private by its name alone.
    /// </summary>
    public const string PrivateTypePrefix = "room.private-note";

    public static bool IsPrivate(string eventType) => eventType.StartsWith(PrivateTypePrefix, StringComparison.Ordinal);

    /// <summary>Notes are longer than chat lines (a paragraph of observations), still bounded.</summary>
    public const int MaxNoteLength = 4000;

    public static readonly RoomError InterviewersOnly =
        new("interviewers-only", "Private notes are for the room's interviewers only; join with the interviewer's link to take notes.");

    public static RoomDecision Decide(PostPrivateNote c, RoomState state)
    {
        if (!state.Participants.TryGetValue(c.ParticipantId, out var p) || !p.Online) return RoomDecision.Refuse(RoomError.NotJoined);
        if (p.Role != ParticipantRole.Interviewer) return RoomDecision.Refuse(InterviewersOnly);
        var text = c.Text.Trim();
        if (text.Length == 0) return RoomDecision.Refuse(new("note-empty", "A note needs some text."));
        if (text.Length > MaxNoteLength)
            return RoomDecision.Refuse(new("note-too-long", $"A note holds at most {MaxNoteLength} characters; this one has {text.Length}. Split it into several notes."));
        if (text.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t'))
            return RoomDecision.Refuse(new("note-invalid-characters", "A note may hold line breaks and tabs but no other control characters."));
        return RoomDecision.Accept(new PrivateNotePosted(c.NoteId, c.ParticipantId, c.AccountId, p.Name, text, c.At));
    }
}
