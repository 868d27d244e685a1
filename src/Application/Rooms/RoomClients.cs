using PeerCode.Application.Questions;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;

namespace PeerCode.Application.Rooms;

public sealed record PresenceParticipant(Guid ParticipantId, string Name, string Role, string Color, bool Online, bool Idle);

public sealed record ChatView(Guid Id, Guid ParticipantId, string Name, string Text, DateTimeOffset At);

/// <summary>A private note as interviewers see it (the hub's Note message, the notes list, the interviewer's replay).</summary>
public sealed record NoteView(Guid Id, Guid ParticipantId, Guid? AccountId, string Name, string Text, DateTimeOffset At);

/// <summary>
/// The port through which a room reaches its connected clients (the web layer implements it with the SignalR hub context).
/// <paramref name="exceptConnectionId"/> leaves out the sender, who already has what it sent.
/// </summary>
public interface IRoomClients
{
    Task YjsAsync(Guid roomId, byte[] message, string? exceptConnectionId);
    Task ChatAsync(Guid roomId, ChatView message);
    Task PresenceAsync(Guid roomId, IReadOnlyList<PresenceParticipant> participants);
    Task LanguageAsync(Guid roomId, string language, Guid participantId);

    /// <summary>A run event, as each connection's role may see it (hidden tests' data only to interviewers).</summary>
    Task RunAsync(Guid roomId, RunEvent run);

    /// <summary>A private note, to the room's interviewer connections only (never to candidates or observers).</summary>
    Task NoteAsync(Guid roomId, NoteView note);
    /// <summary>The room's question, as interviewers see it and as candidates and observers see it (no hidden tests).</summary>
    Task QuestionAsync(Guid roomId, RoomQuestionView forInterviewers, RoomQuestionView forParticipants);
}

public static class RoomViews
{
    public static string RoleName(ParticipantRole role) => role.ToString().ToLowerInvariant();

    public static ChatView Chat(ChatMessagePosted c) => new(c.MessageId, c.ParticipantId, c.Name, c.Text, c.At);

    public static NoteView Note(PrivateNotePosted n) => new(n.NoteId, n.ParticipantId, n.AccountId, n.Name, n.Text, n.At);
}
