using PeerCode.Domain.Runs;

namespace PeerCode.Domain.Questions;

/// <summary>Every event of a question stream (`question-{id}`). Stored shapes never change: a new shape is a new version.</summary>
public interface IQuestionEvent
{
    Guid QuestionId { get; }
    DateTimeOffset At { get; }
}

public enum QuestionDifficulty { Easy, Medium, Hard }

/// <summary>
/// Everything a question holds. <paramref name="StarterCode"/> maps a language id of the runs catalogue (python, java...)
/// to the code that seeds a room's empty document. <paramref name="Tests"/> are the runs' own test cases, so a question's
/// tests feed a run as they are; a hidden test's input and expected output never reach a candidate.
/// </summary>
public sealed record QuestionContent(
    string Title,
    QuestionDifficulty Difficulty,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Tags,
    string Description,
    IReadOnlyDictionary<string, string> StarterCode,
    IReadOnlyList<RunTestCase> Tests);

/// <summary>
/// A new question with its whole content. The fields questionId, title, difficulty and at are the reserved shape the
/// read side projects (docs/read-models.md); the rest is the bank's. <paramref name="By"/> is the author's account id.
/// </summary>
public sealed record QuestionCreated(
    Guid QuestionId, string Title, QuestionDifficulty Difficulty, IReadOnlyList<string> Categories, IReadOnlyList<string> Tags,
    string Description, IReadOnlyDictionary<string, string> StarterCode, IReadOnlyList<RunTestCase> Tests, string? By, DateTimeOffset At)
    : IQuestionEvent
{
    public QuestionContent Content => new(Title, Difficulty, Categories, Tags, Description, StarterCode, Tests);
}

/// <summary>The question's whole new content (not a patch), so a reader needs only the latest edit. Replaces question.renamed.v1 for new writers.</summary>
public sealed record QuestionEdited(
    Guid QuestionId, string Title, QuestionDifficulty Difficulty, IReadOnlyList<string> Categories, IReadOnlyList<string> Tags,
    string Description, IReadOnlyDictionary<string, string> StarterCode, IReadOnlyList<RunTestCase> Tests, string? By, DateTimeOffset At)
    : IQuestionEvent
{
    public QuestionContent Content => new(Title, Difficulty, Categories, Tags, Description, StarterCode, Tests);
}

/// <summary>Taken out of the bank's default list and out of the picker; rooms that already use it keep it.</summary>
public sealed record QuestionArchived(Guid QuestionId, string? By, DateTimeOffset At) : IQuestionEvent;

public sealed record QuestionRestored(Guid QuestionId, string? By, DateTimeOffset At) : IQuestionEvent;

/// <summary>The stable wire names (the event store's type column). Never rename one.</summary>
public static class QuestionEventTypes
{
    public const string StreamPrefix = "question-";

    public static string StreamOf(Guid questionId) => StreamPrefix + questionId.ToString("N");

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        ["question.created.v1"] = typeof(QuestionCreated),
        ["question.edited.v1"] = typeof(QuestionEdited),
        ["question.archived.v1"] = typeof(QuestionArchived),
        ["question.restored.v1"] = typeof(QuestionRestored),
    };

    public static readonly IReadOnlyDictionary<Type, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(IQuestionEvent e) => ByType[e.GetType()];
}
