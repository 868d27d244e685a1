using PeerCode.Application.EventSourcing;
using PeerCode.Application.EventStore;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Questions;

namespace PeerCode.Application.Questions;

/// <summary>A question as its stream holds it: the state and the revision it was read at (the version an edit must expect).</summary>
public sealed record LoadedQuestion(QuestionState State, long Revision)
{
    public bool Exists => State.Exists;
}

/// <summary>What a question command came to: the question after it, and where its events landed in the store (for read-your-writes).</summary>
public sealed record QuestionOutcome(LoadedQuestion Question, long? GlobalPosition, IReadOnlyList<QuestionError> Errors, bool Conflict)
{
    public bool Refused => Errors.Count > 0;
}

/// <summary>
/// The question bank's write side and its by-id reads: load the stream, decide, append expecting the revision that was
/// read. An edit may name the revision its author saw (HTTP If-Match): if the stream moved since, nothing is written and
/// the outcome is a conflict, so nobody overwrites an edit they never saw.
/// </summary>
public sealed class QuestionStore(IEventStore store, NodeIdentity node)
{
    public static QuestionError Conflict(long expected, long actual) => new("question-changed", null,
        $"The question changed since you read it (you edited version {expected}, it is now at version {actual}). Reload it, reapply your change and save again.");

    public async Task<LoadedQuestion> LoadAsync(Guid questionId, CancellationToken ct, long? upToRevision = null)
    {
        var state = QuestionState.Initial;
        var revision = -1L;
        await foreach (var r in store.ReadStreamAsync(QuestionEventTypes.StreamOf(questionId), StreamPosition.Start, Direction.Forwards, int.MaxValue, ct))
        {
            if (upToRevision is { } limit && r.Revision > limit) break;
            revision = r.Revision;
            if (QuestionEventCodec.Decode(r) is { } e) state = QuestionState.Evolve(state, e);
        }
        return new LoadedQuestion(state, revision);
    }

    /// <summary>Decides <paramref name="command"/> against the stream; <paramref name="expectedRevision"/>, when given, must be the stream's revision.</summary>
    public async Task<QuestionOutcome> HandleAsync(IQuestionCommand command, long? expectedRevision, string? userId, CancellationToken ct)
    {
        var stream = QuestionEventTypes.StreamOf(command.QuestionId);
        var loaded = await LoadAsync(command.QuestionId, ct);
        if (loaded.Exists && expectedRevision is { } expected && expected != loaded.Revision)
            return new QuestionOutcome(loaded, null, [Conflict(expected, loaded.Revision)], Conflict: true);
        var decision = QuestionRules.Decide(command, loaded.State);
        if (decision.Refused) return new QuestionOutcome(loaded, null, decision.Errors, Conflict: false);
        if (decision.Events.Count == 0) return new QuestionOutcome(loaded, null, [], Conflict: false);
        var data = decision.Events.Select(e => QuestionEventCodec.Encode(e, node.Metadata(userId))).ToList();
        AppendResult appended;
        try
        {
            appended = await store.AppendAsync(stream, loaded.Revision < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact(loaded.Revision), data, ct);
        }
        catch (WrongExpectedRevisionException e)
        {
            // Another writer got in between the read and the append: the same answer as a stale If-Match.
            var now = await LoadAsync(command.QuestionId, ct);
            return new QuestionOutcome(now, null, [Conflict(expectedRevision ?? loaded.Revision, e.ActualRevision)], Conflict: true);
        }
        var state = decision.Events.Aggregate(loaded.State, QuestionState.Evolve);
        return new QuestionOutcome(new LoadedQuestion(state, appended.NextExpectedRevision), appended.GlobalPosition, [], Conflict: false);
    }
}
