using System.Security.Cryptography;
using PeerCode.Application.Questions;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Questions;
using PeerCode.Domain.Rooms;
using PeerCode.Domain.Runs;

namespace PeerCode.Infrastructure.Rooms;

/// <summary>Who picks a room's question: a signed-in account (<paramref name="AccountId"/>) and, inside the room, the interviewer participant.</summary>
public sealed record QuestionActor(string? AccountId, Guid? ParticipantId = null);

/// <summary>
/// "Put a bank question into a room": the one use case behind the hub's SelectQuestion, POST /api/rooms/{roomId}/question
/// and an interview scheduled with a question. The question must exist and not be archived; room.question-selected.v1 is
/// appended (with the question's revision, so later edits don't change what this room asked) before anyone hears of it;
/// everyone then gets the view for their role; and when the document is empty the question's starter code for the room's
/// language is written into it by the server's CRDT engine, appended as a DocumentUpdated like any edit and fanned out.
/// </summary>
public sealed class RoomQuestions(RoomRegistry registry, RoomSessions sessions, IRoomClients clients, QuestionStore questions, TimeProvider clock)
{
    // Selections are rare; one at a time per process keeps two seeds of the same empty document from both landing.
    private readonly SemaphoreSlim _select = new(1, 1);

    public static RoomError QuestionNotFound => new("question-not-found", "There is no such question in the bank. Pick one from GET /api/questions.");
    public static RoomError QuestionArchived => new("question-archived", "This question is archived; restore it in the question bank before using it in a room.");

    /// <summary>The application-level handler: selects <paramref name="questionId"/> into room <paramref name="roomId"/> for <paramref name="actor"/>. Returns the interviewer's view.</summary>
    public async Task<RoomQuestionView> SelectAsync(Guid roomId, Guid questionId, QuestionActor actor, CancellationToken ct)
    {
        var room = await registry.AcquireAsync(roomId, ct) ?? throw new RoomActException(RoomError.NotFound);
        try { return await SelectAsync(room, questionId, actor, ct); }
        finally { registry.Release(room); }
    }

    /// <summary>
    /// REST: a signed-in interviewer with an interviewer's access to the room, decided by the rooms' one access rule
    /// (<see cref="RoomAccess.Resolve"/>): assigned to it (or an admin), or holding its interviewer link. A candidate's or
    /// observer's link gets interviewer-link-required; every other refusal is the access rule's own (link-revoked, ...).
    /// </summary>
    public async Task<RoomQuestionView> SelectForCallerAsync(Guid roomId, string? linkToken, RoomCaller caller, Guid questionId, CancellationToken ct)
    {
        var room = await registry.AcquireAsync(roomId, ct) ?? throw new RoomActException(RoomError.NotFound);
        try
        {
            var (role, refused) = RoomAccess.Resolve(room.State, string.IsNullOrEmpty(linkToken) ? null : RoomLinks.Hash(linkToken), caller, clock.GetUtcNow());
            if (refused is not null) throw new RoomActException(refused);
            if (role != ParticipantRole.Interviewer) throw new RoomActException(InterviewerLinkRequired);
            return await SelectAsync(room, questionId, new QuestionActor(caller.AccountId?.ToString("D")), ct);
        }
        finally { registry.Release(room); }
    }

    public static RoomError SignInRequired =>
        new("sign-in-required", "Picking a question from the bank needs a signed-in interviewer: sign in, then reconnect to the room.");

    public static RoomError InterviewerLinkRequired =>
        new("interviewer-link-required", "Only the room's interviewer link may pick its question; send that link's token, not a candidate's or observer's.");

    /// <summary>
    /// The hub's SelectQuestion: the caller must have joined the room as an interviewer (not-joined, interviewers-only)
    /// and be signed in as an interviewer (<paramref name="signedInInterviewer"/>; sign-in-required): the bank is the
    /// hiring team's, so a link alone does not open it.
    /// </summary>
    public async Task<RoomQuestionView> SelectFromConnectionAsync(
        string connectionId, string questionId, bool signedInInterviewer, string? accountId, CancellationToken ct)
    {
        var connection = sessions.ConnectionOf(connectionId);
        if (connection.Role != ParticipantRole.Interviewer) throw new RoomActException(RoomRules.InterviewersOnly);
        if (!signedInInterviewer) throw new RoomActException(SignInRequired);
        if (!Guid.TryParse(questionId, out var id)) throw new RoomActException(QuestionNotFound);
        return await SelectAsync(connection.Room, id, new QuestionActor(accountId, connection.ParticipantId), ct);
    }

    /// <summary>The room's current question as a participant of <paramref name="role"/> sees it, or null when it has none.</summary>
    public async Task<RoomQuestionView?> ViewAsync(RoomQuestion? current, ParticipantRole role, CancellationToken ct)
    {
        if (current is null) return null;
        var loaded = await questions.LoadAsync(current.QuestionId, ct, current.Revision);
        return loaded.Exists ? QuestionViews.ForRoom(loaded, role == ParticipantRole.Interviewer) : null;
    }

    /// <summary>The test cases of the room's question at the revision the room picked (hidden ones included: runs redact them per audience).</summary>
    public async Task<IReadOnlyList<RunTestCase>> TestsAsync(RoomQuestion current, CancellationToken ct)
    {
        var loaded = await questions.LoadAsync(current.QuestionId, ct, current.Revision);
        return loaded.State.Content?.Tests ?? [];
    }

    private async Task<RoomQuestionView> SelectAsync(LiveRoom room, Guid questionId, QuestionActor actor, CancellationToken ct)
    {
        var question = await questions.LoadAsync(questionId, ct);
        if (!question.Exists) throw new RoomActException(QuestionNotFound);
        if (question.State.Archived) throw new RoomActException(QuestionArchived);
        var content = question.State.Content!;
        await _select.WaitAsync(ct);
        try
        {
            var decision = RoomRules.Decide(
                new SelectQuestion(questionId, content.Title, question.Revision, actor.ParticipantId, actor.AccountId, clock.GetUtcNow()), room.State);
            await sessions.AppendAsync(room, decision, null, null, ct);
            if (decision.Events.Count > 0)
                await clients.QuestionAsync(room.RoomId, QuestionViews.ForRoom(question, interviewer: true), QuestionViews.ForRoom(question, interviewer: false));
            await SeedAsync(room, content, ct);
        }
        finally { _select.Release(); }
        return QuestionViews.ForRoom(question, interviewer: true);
    }

    private async Task SeedAsync(LiveRoom room, QuestionContent content, CancellationToken ct)
    {
        if (!content.StarterCode.TryGetValue(room.State.Language, out var code)) return;
        // A fresh Yjs client id per seed, as a browser takes one per session: ids must never repeat within a document.
        var update = await room.WithGateAsync(d => d.SeedUpdate(code, (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue)));
        if (update is null) return;
        var decision = RoomRules.Decide(new SeedDocument(update.Bytes, update.ClientId, clock.GetUtcNow()), room.State);
        await sessions.AppendAsync(room, decision, update, null, ct);
        await clients.YjsAsync(room.RoomId, YjsMessages.EncodeSync(SyncStep.Update, update.Bytes), null);
    }
}
