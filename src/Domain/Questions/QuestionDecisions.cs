using PeerCode.Domain.Runs;

namespace PeerCode.Domain.Questions;

/// <summary>
/// A question's content as a client sent it: anything may be missing or wrong. <see cref="QuestionRules.Validate"/> turns
/// it into <see cref="QuestionContent"/> or into every problem found, each naming the field to fix.
/// </summary>
public sealed record QuestionDraft(
    string? Title,
    string? Difficulty,
    IReadOnlyList<string?>? Categories,
    IReadOnlyList<string?>? Tags,
    string? Description,
    IReadOnlyDictionary<string, string?>? StarterCode,
    IReadOnlyList<RunTestCase?>? Tests);

public interface IQuestionCommand
{
    Guid QuestionId { get; }
}

/// <param name="Languages">The language ids starter code may be given for (the runs catalogue's).</param>
/// <param name="By">The author's account id, recorded in the event.</param>
public sealed record CreateQuestion(Guid QuestionId, QuestionDraft Draft, IReadOnlySet<string> Languages, string? By, DateTimeOffset At) : IQuestionCommand;

public sealed record EditQuestion(Guid QuestionId, QuestionDraft Draft, IReadOnlySet<string> Languages, string? By, DateTimeOffset At) : IQuestionCommand;

public sealed record ArchiveQuestion(Guid QuestionId, string? By, DateTimeOffset At) : IQuestionCommand;

public sealed record RestoreQuestion(Guid QuestionId, string? By, DateTimeOffset At) : IQuestionCommand;

/// <summary>One thing to fix: a stable <paramref name="Code"/>, the <paramref name="Field"/> it concerns (a JSON path such as tests[2].name, or null) and what to do.</summary>
public sealed record QuestionError(string Code, string? Field, string Message)
{
    public static QuestionError NotFound => new("question-not-found", null, "There is no such question. Check its id, or list the bank with GET /api/questions.");
    public static QuestionError AlreadyExists => new("question-exists", null, "A question with this id already exists.");
}

/// <summary>Either the events a command produces (possibly none) or every reason it was refused.</summary>
public sealed record QuestionDecision(IReadOnlyList<IQuestionEvent> Events, IReadOnlyList<QuestionError> Errors)
{
    public static QuestionDecision Accept(params IQuestionEvent[] events) => new(events, []);
    public static QuestionDecision Refuse(params QuestionError[] errors) => new([], errors);
    public bool Refused => Errors.Count > 0;
}

/// <summary>The pure decisions of the question bank.</summary>
public static class QuestionRules
{
    public const int MaxTitleLength = 200;
    public const int MaxLabels = 20;
    public const int MaxLabelLength = 40;
    public const int MaxDescriptionLength = 50_000;
    public const int MaxStarterCodeLength = 50_000;
    public const int MaxTests = 50;
    public const int MaxTestNameLength = 100;
    /// <summary>Characters of input plus expected output in one test (the run limits allow more; a question must also fit one event).</summary>
    public const int MaxTestLength = 64 * 1024;
    /// <summary>All the question's text together, so its event stays well under the event store's 1 MiB per event.</summary>
    public const int MaxTotalLength = 400_000;

    public static QuestionDecision Decide(IQuestionCommand command, QuestionState state) => command switch
    {
        CreateQuestion when state.Exists => QuestionDecision.Refuse(QuestionError.AlreadyExists),
        CreateQuestion c => Validate(c.Draft, c.Languages) is var (content, errors) && errors.Count > 0
            ? QuestionDecision.Refuse([.. errors])
            : QuestionDecision.Accept(new QuestionCreated(c.QuestionId, content!.Title, content.Difficulty, content.Categories, content.Tags,
                content.Description, content.StarterCode, content.Tests, c.By, c.At)),
        _ when !state.Exists => QuestionDecision.Refuse(QuestionError.NotFound),
        EditQuestion when state.Archived => QuestionDecision.Refuse(new QuestionError("question-archived", null,
            "This question is archived; restore it (POST /api/questions/{id}/restore) before editing it.")),
        EditQuestion e => Validate(e.Draft, e.Languages) is var (content, errors) && errors.Count > 0
            ? QuestionDecision.Refuse([.. errors])
            : SameContent(content!, state.Content!)
                ? QuestionDecision.Accept()
                : QuestionDecision.Accept(new QuestionEdited(e.QuestionId, content!.Title, content.Difficulty, content.Categories, content.Tags,
                    content.Description, content.StarterCode, content.Tests, e.By, e.At)),
        ArchiveQuestion a => state.Archived ? QuestionDecision.Accept() : QuestionDecision.Accept(new QuestionArchived(a.QuestionId, a.By, a.At)),
        RestoreQuestion r => state.Archived ? QuestionDecision.Accept(new QuestionRestored(r.QuestionId, r.By, r.At)) : QuestionDecision.Accept(),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Not a question command."),
    };

    /// <summary>The normalised content (trimmed title, lower-case de-duplicated labels, tests as given) or every problem found.</summary>
    public static (QuestionContent? Content, IReadOnlyList<QuestionError> Errors) Validate(QuestionDraft draft, IReadOnlySet<string> languages)
    {
        var errors = new List<QuestionError>();
        var title = (draft.Title ?? "").Trim();
        if (title.Length is 0 or > MaxTitleLength || title.Any(char.IsControl))
            errors.Add(new("invalid-title", "title", $"A title needs 1 to {MaxTitleLength} printable characters; this one has {title.Length}."));

        QuestionDifficulty difficulty = default;
        if (!Enum.TryParse(draft.Difficulty?.Trim(), ignoreCase: true, out difficulty) || !Enum.IsDefined(difficulty)
            || int.TryParse(draft.Difficulty, out _))
            errors.Add(new("invalid-difficulty", "difficulty", $"Difficulty must be easy, medium or hard; got '{draft.Difficulty}'."));

        var categories = Labels(draft.Categories, "categories", errors);
        var tags = Labels(draft.Tags, "tags", errors);

        var description = (draft.Description ?? "").Replace("\r\n", "\n");
        if (description.Length > MaxDescriptionLength)
            errors.Add(new("description-too-long", "description", $"The description holds at most {MaxDescriptionLength} characters; this one has {description.Length}."));

        var starter = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (language, code) in draft.StarterCode ?? new Dictionary<string, string?>())
        {
            var field = $"starterCode.{language}";
            if (!languages.Contains(language))
                errors.Add(new("unknown-language", field, $"'{language}' is not a language of the runs catalogue; use one of: {string.Join(", ", languages.Order())}."));
            else if ((code ?? "").Length > MaxStarterCodeLength)
                errors.Add(new("starter-code-too-long", field, $"Starter code holds at most {MaxStarterCodeLength} characters; this one has {code!.Length}."));
            else if (!string.IsNullOrEmpty(code))
                starter[language] = code.Replace("\r\n", "\n");
        }

        var tests = new List<RunTestCase>();
        var inputs = draft.Tests ?? [];
        if (inputs.Count > MaxTests)
            errors.Add(new("too-many-tests", "tests", $"A question holds at most {MaxTests} test cases; this one has {inputs.Count}."));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count && i < MaxTests; i++)
        {
            var t = inputs[i];
            var name = (t?.Name ?? "").Trim();
            if (name.Length is 0 or > MaxTestNameLength || name.Any(char.IsControl))
                errors.Add(new("invalid-test-name", $"tests[{i}].name", $"Every test case needs a name of 1 to {MaxTestNameLength} printable characters."));
            else if (!names.Add(name))
                errors.Add(new("duplicate-test-name", $"tests[{i}].name", $"Test names must differ: '{name}' is used twice."));
            var size = (t?.Stdin ?? "").Length + (t?.ExpectedStdout ?? "").Length;
            if (size > MaxTestLength)
                errors.Add(new("test-too-large", $"tests[{i}]", $"A test's input and expected output together hold at most {MaxTestLength} characters; this one has {size}."));
            tests.Add(new RunTestCase(name, t?.Stdin ?? "", t?.ExpectedStdout ?? "", t?.Hidden ?? false));
        }

        var total = title.Length + description.Length + categories.Sum(c => c.Length) + tags.Sum(c => c.Length)
                    + starter.Values.Sum(c => c.Length) + tests.Sum(t => t.Name.Length + t.Stdin.Length + t.ExpectedStdout.Length);
        if (errors.Count == 0 && total > MaxTotalLength)
            errors.Add(new("question-too-large", null, $"A question holds at most {MaxTotalLength} characters in all (description, starter code and tests); this one has {total}. Shorten the tests or the starter code."));

        return errors.Count > 0
            ? (null, errors)
            : (new QuestionContent(title, difficulty, categories, tags, description, starter, tests), errors);
    }

    /// <summary>Whether two contents are the same question text (an edit changing nothing records nothing).</summary>
    public static bool SameContent(QuestionContent a, QuestionContent b) =>
        a.Title == b.Title && a.Difficulty == b.Difficulty && a.Description == b.Description
        && a.Categories.SequenceEqual(b.Categories) && a.Tags.SequenceEqual(b.Tags)
        && a.StarterCode.Count == b.StarterCode.Count
        && a.StarterCode.All(p => b.StarterCode.TryGetValue(p.Key, out var v) && v == p.Value)
        && a.Tests.SequenceEqual(b.Tests);

    private static List<string> Labels(IReadOnlyList<string?>? raw, string field, List<QuestionError> errors)
    {
        var labels = new List<string>();
        var list = raw ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var label = (list[i] ?? "").Trim().ToLowerInvariant();
            if (label.Length is 0 or > MaxLabelLength || label.Any(char.IsControl) || label.Contains(','))
                errors.Add(new("invalid-label", $"{field}[{i}]", $"Each of {field} needs 1 to {MaxLabelLength} printable characters without commas."));
            else if (!labels.Contains(label)) labels.Add(label);
        }
        if (labels.Count > MaxLabels)
            errors.Add(new("too-many-labels", field, $"A question has at most {MaxLabels} {field}; this one has {labels.Count}."));
        return labels;
    }
}
