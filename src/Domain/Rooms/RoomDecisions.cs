namespace PeerCode.Domain.Rooms;

/// <summary>Something a participant (or the server on its behalf) asks a room to do. Commands carry their time and new ids.</summary>
public interface IRoomCommand;

public sealed record CreateRoom(Guid RoomId, string Title, string Language, RoomTokenHashes TokenHashes, DateTimeOffset At) : IRoomCommand;
/// <summary>Joins with a link token's hash (empty: no link) as <paramref name="Caller"/>; the role comes from <see cref="RoomAccess.Resolve"/>.</summary>
public sealed record JoinRoom(Guid ParticipantId, string TokenHash, string Name, DateTimeOffset At, RoomCaller? Caller = null) : IRoomCommand;
public sealed record LeaveRoom(Guid ParticipantId, DateTimeOffset At) : IRoomCommand;
public sealed record UpdateDocument(Guid ParticipantId, byte[] Update, long ClientId, DateTimeOffset At) : IRoomCommand;
public sealed record UpdateAwareness(
    Guid ParticipantId, byte[] Entry, long ClientId, TextPosition? Cursor, TextPosition? SelectionStart, TextPosition? SelectionEnd,
    DateTimeOffset At) : IRoomCommand;
public sealed record PostChat(Guid MessageId, Guid ParticipantId, string Text, DateTimeOffset At) : IRoomCommand;
public sealed record ChangeLanguage(Guid ParticipantId, string Language, DateTimeOffset At) : IRoomCommand;
/// <summary>Puts a bank question into the room: by an interviewer in the room (<paramref name="ParticipantId"/>) or, when null, by a signed-in interviewer outside it.</summary>
public sealed record SelectQuestion(Guid QuestionId, string Title, long Revision, Guid? ParticipantId, string? By, DateTimeOffset At) : IRoomCommand;
/// <summary>The server writes into the document itself (a question's starter code): recorded as a DocumentUpdated of <see cref="RoomRules.ServerParticipantId"/>.</summary>
public sealed record SeedDocument(byte[] Update, long ClientId, DateTimeOffset At) : IRoomCommand;
public sealed record TakeSnapshot(byte[] State, byte[] StateVector, long CoversRevision, DateTimeOffset At) : IRoomCommand;

/// <summary>Why a room refused a command: a stable <paramref name="Code"/> for programs and a message a person can act on.</summary>
public sealed record RoomError(string Code, string Message)
{
    public static RoomError NotFound => new("room-not-found", "There is no such room. Check the link, or create a new room.");
    public static RoomError AlreadyExists => new("room-exists", "A room with this id already exists.");
    public static RoomError InvalidToken => new("invalid-token", "This link's token does not open this room. Ask the interviewer for a fresh link.");
    public static RoomError NotJoined => new("not-joined", "Join the room before sending to it.");
    public static RoomError ReadOnly => new("read-only", "Observers can watch but not edit: the room refused this change.");
}

/// <summary>Either the events a command produces (possibly none) or the reason it was refused.</summary>
public sealed record RoomDecision(IReadOnlyList<IRoomEvent> Events, RoomError? Error)
{
    public static RoomDecision Accept(params IRoomEvent[] events) => new(events, null);
    public static RoomDecision Refuse(RoomError error) => new([], error);
    public bool Refused => Error is not null;
}

public static class RoomRules
{
    public const int MaxTitleLength = 200;
    public const int MaxNameLength = 60;
    public const int MaxChatLength = 2000;

    /// <summary>The participant id of edits the server makes itself (starter code); no participant ever has it.</summary>
    public static readonly Guid ServerParticipantId = Guid.Empty;

    /// <summary>The editor languages a room can be set to (Monaco's ids).</summary>
    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal)
    {
        "plaintext", "csharp", "python", "javascript", "typescript", "java", "go", "rust", "cpp", "c", "ruby", "kotlin", "sql",
    };

    /// <summary>Participant colours, handed out in joining order.</summary>
    public static readonly IReadOnlyList<string> Colors =
        ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0a8", "#f032e6", "#9a6324", "#808000", "#000075"];

    public static RoomDecision Decide(IRoomCommand command, RoomState state) => command switch
    {
        CreateRoom c => Create(c, state),
        _ when !state.Exists => RoomDecision.Refuse(RoomError.NotFound),
        JoinRoom j => Join(j, state),
        LeaveRoom l => state.Participants.TryGetValue(l.ParticipantId, out var p) && p.Online
            ? RoomDecision.Accept(new ParticipantLeft(l.ParticipantId, l.At))
            : RoomDecision.Accept(),
        UpdateDocument u => Writer(state, u.ParticipantId) ?? RoomDecision.Accept(new DocumentUpdated(u.Update, u.ClientId, u.ParticipantId, u.At)),
        UpdateAwareness a => Member(state, a.ParticipantId) is { } err
            ? RoomDecision.Refuse(err)
            : RoomDecision.Accept(new AwarenessUpdated(a.Entry, a.ClientId, a.ParticipantId, a.Cursor, a.SelectionStart, a.SelectionEnd, a.At)),
        PostChat c => Chat(c, state),
        ChangeLanguage l => Writer(state, l.ParticipantId)
            ?? (Languages.Contains(l.Language)
                ? RoomDecision.Accept(new LanguageChanged(l.Language, l.ParticipantId, l.At))
                : RoomDecision.Refuse(UnknownLanguage(l.Language))),
        SeedDocument s => RoomDecision.Accept(new DocumentUpdated(s.Update, s.ClientId, ServerParticipantId, s.At)),
        TakeSnapshot s => RoomDecision.Accept(new DocumentSnapshotTaken(s.State, s.StateVector, s.CoversRevision, s.At)),
        SelectQuestion q => Select(q, state),
        ReportPaste p => IntegritySignalRules.Decide(p, state),
        ReportFocus f => IntegritySignalRules.Decide(f, state),
        AssignInterviewers a => RoomAccess.Decide(a, state),
        IssueLink i => RoomAccess.Decide(i, state),
        RevokeLink r => RoomAccess.Decide(r, state),
        PostPrivateNote n => PrivateNoteRules.Decide(n, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Not a room command."),
    };

    private static RoomDecision Create(CreateRoom c, RoomState state)
    {
        if (state.Exists) return RoomDecision.Refuse(RoomError.AlreadyExists);
        var title = c.Title.Trim();
        if (title.Length is 0 or > MaxTitleLength)
            return RoomDecision.Refuse(new("invalid-title", $"A room title needs 1 to {MaxTitleLength} characters."));
        if (!Languages.Contains(c.Language)) return RoomDecision.Refuse(UnknownLanguage(c.Language));
        return RoomDecision.Accept(new RoomCreated(c.RoomId, title, c.Language, c.TokenHashes, c.At));
    }

    private static RoomDecision Join(JoinRoom j, RoomState state)
    {
        var (resolved, refused) = RoomAccess.Resolve(state, j.TokenHash, j.Caller ?? RoomCaller.Anonymous, j.At);
        if (refused is not null) return RoomDecision.Refuse(refused);
        var role = resolved!.Value;
        var name = j.Name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
            return RoomDecision.Refuse(new("invalid-name", $"A display name needs 1 to {MaxNameLength} printable characters."));
        if (state.Participants.TryGetValue(j.ParticipantId, out var known))
            return known.Online ? RoomDecision.Accept() : RoomDecision.Accept(new ParticipantJoined(j.ParticipantId, known.Name, known.Role, known.Color, j.At));
        var color = Colors[state.Participants.Count % Colors.Count];
        return RoomDecision.Accept(new ParticipantJoined(j.ParticipantId, name, role, color, j.At));
    }

    private static RoomDecision Chat(PostChat c, RoomState state)
    {
        if (Member(state, c.ParticipantId) is { } err) return RoomDecision.Refuse(err);
        var text = c.Text.Trim();
        if (text.Length == 0) return RoomDecision.Refuse(new("chat-empty", "A chat message needs some text."));
        if (text.Length > MaxChatLength)
            return RoomDecision.Refuse(new("chat-too-long", $"A chat message holds at most {MaxChatLength} characters; this one has {text.Length}."));
        return RoomDecision.Accept(new ChatMessagePosted(c.MessageId, c.ParticipantId, state.Participants[c.ParticipantId].Name, text, c.At));
    }

    public static RoomError InterviewersOnly =>
        new("interviewers-only", "Only an interviewer can pick the room's question; join with the interviewer link.");

    private static RoomDecision Select(SelectQuestion q, RoomState state)
    {
        if (q.ParticipantId is { } participant)
        {
            if (Member(state, participant) is { } err) return RoomDecision.Refuse(err);
            if (state.Participants[participant].Role != ParticipantRole.Interviewer) return RoomDecision.Refuse(InterviewersOnly);
        }
        if (state.Question is { } current && current.QuestionId == q.QuestionId && current.Revision == q.Revision) return RoomDecision.Accept();
        return RoomDecision.Accept(new QuestionSelected(q.QuestionId, q.Title, q.Revision, q.ParticipantId, q.By, q.At));
    }

    private static RoomError? Member(RoomState state, Guid participantId) =>
        state.Participants.TryGetValue(participantId, out var p) && p.Online ? null : RoomError.NotJoined;

    private static RoomDecision? Writer(RoomState state, Guid participantId) =>
        Member(state, participantId) is { } err ? RoomDecision.Refuse(err)
        : state.Participants[participantId].Role == ParticipantRole.Observer ? RoomDecision.Refuse(RoomError.ReadOnly)
        : null;

    private static RoomError UnknownLanguage(string language) =>
        new("unknown-language", $"'{language}' is not a supported language; use one of: {string.Join(", ", Languages.Order())}.");
}
