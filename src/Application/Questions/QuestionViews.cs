using PeerCode.Domain.Questions;
using PeerCode.Domain.Runs;

namespace PeerCode.Application.Questions;

/// <summary>A test case as the bank shows it: the runs' own shape, so a question's tests feed a run unchanged.</summary>
public sealed record QuestionTestView(string Name, string Stdin, string ExpectedStdout, bool Hidden);

/// <summary>The whole question, hidden tests included: only for signed-in interviewers. <paramref name="Version"/> is what If-Match takes.</summary>
public sealed record QuestionDetails(
    Guid QuestionId, long Version, string Title, string Difficulty, IReadOnlyList<string> Categories, IReadOnlyList<string> Tags,
    string Description, IReadOnlyDictionary<string, string> StarterCode, IReadOnlyList<QuestionTestView> Tests, bool Archived,
    DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>
/// The room's question as one participant sees it (hub message Question, JoinRoom). Interviewers get every test; candidates
/// and observers get the visible tests only and the number of hidden ones, never a hidden test's name, input or output.
/// </summary>
public sealed record RoomQuestionView(
    Guid QuestionId, long Revision, string Title, string Difficulty, IReadOnlyList<string> Categories, IReadOnlyList<string> Tags,
    string Description, IReadOnlyDictionary<string, string> StarterCode, IReadOnlyList<QuestionTestView> Tests, int HiddenTests);

public static class QuestionViews
{
    public static string DifficultyName(QuestionDifficulty d) => d.ToString().ToLowerInvariant();

    public static QuestionDetails Details(LoadedQuestion q)
    {
        var c = q.State.Content!;
        return new(q.State.QuestionId, q.Revision, c.Title, DifficultyName(c.Difficulty), c.Categories, c.Tags, c.Description, c.StarterCode,
            c.Tests.Select(Test).ToList(), q.State.Archived, q.State.CreatedAt, q.State.UpdatedAt);
    }

    public static RoomQuestionView ForRoom(LoadedQuestion q, bool interviewer)
    {
        var c = q.State.Content!;
        var tests = interviewer ? c.Tests : c.Tests.Where(t => !t.Hidden).ToList();
        return new(q.State.QuestionId, q.Revision, c.Title, DifficultyName(c.Difficulty), c.Categories, c.Tags, c.Description, c.StarterCode,
            tests.Select(Test).ToList(), interviewer ? 0 : c.Tests.Count(t => t.Hidden));
    }

    private static QuestionTestView Test(RunTestCase t) => new(t.Name, t.Stdin, t.ExpectedStdout, t.Hidden);
}
