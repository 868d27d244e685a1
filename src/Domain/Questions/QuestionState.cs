namespace PeerCode.Domain.Questions;

/// <summary>What decisions about a question need to know. Folded from the stream with <see cref="Evolve"/>.</summary>
public sealed record QuestionState(bool Exists, Guid QuestionId, QuestionContent? Content, bool Archived, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt)
{
    public static readonly QuestionState Initial = new(false, Guid.Empty, null, false, null, null);

    public static QuestionState Evolve(QuestionState state, IQuestionEvent e) => e switch
    {
        QuestionCreated c => state with { Exists = true, QuestionId = c.QuestionId, Content = c.Content, CreatedAt = c.At, UpdatedAt = c.At },
        QuestionEdited c => state with { Content = c.Content, UpdatedAt = c.At },
        QuestionArchived a => state with { Archived = true, UpdatedAt = a.At },
        QuestionRestored r => state with { Archived = false, UpdatedAt = r.At },
        _ => state,
    };

    public static QuestionState Fold(IEnumerable<IQuestionEvent> events) => events.Aggregate(Initial, Evolve);
}
