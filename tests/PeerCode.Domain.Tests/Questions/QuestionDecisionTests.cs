using FluentAssertions;
using PeerCode.Domain.Questions;
using PeerCode.Domain.Runs;
using Xunit;

namespace PeerCode.Domain.Tests.Questions;

/// <summary>Given(events).When(command).Then(events | errors) for the question bank.</summary>
public sealed class QuestionDecisionTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("99999999-1111-2222-3333-444444444444");
    private static readonly IReadOnlySet<string> Languages = new HashSet<string> { "python", "java", "csharp" };

    private static QuestionDraft Draft(string title = "Two sum", string difficulty = "easy") => new(
        title, difficulty, ["Arrays", "arrays", " Hashing "], ["interview", "warm-up"], "Find **two** numbers.\r\nReturn them.",
        new Dictionary<string, string?> { ["python"] = "def solve():\r\n    pass\n", ["java"] = "" },
        [new RunTestCase("sample", "1 2", "3", false), new RunTestCase(" big ", "secret-in", "secret-out", true)]);

    private static QuestionCreated Created => (QuestionCreated)QuestionRules.Decide(new CreateQuestion(Id, Draft(), Languages, "acct", At), QuestionState.Initial).Events.Single();

    private static QuestionDecision Given(IQuestionEvent[] events, IQuestionCommand command) => QuestionRules.Decide(command, QuestionState.Fold(events));

    [Fact]
    public void Given_no_question_When_creating_a_valid_one_Then_QuestionCreated_with_normalised_content()
    {
        var d = Given([], new CreateQuestion(Id, Draft(), Languages, "acct", At));
        d.Errors.Should().BeEmpty();
        var e = d.Events.Should().ContainSingle().Which.Should().BeOfType<QuestionCreated>().Subject;
        e.QuestionId.Should().Be(Id);
        e.Title.Should().Be("Two sum");
        e.Difficulty.Should().Be(QuestionDifficulty.Easy);
        e.Categories.Should().Equal("arrays", "hashing");
        e.Tags.Should().Equal("interview", "warm-up");
        e.Description.Should().Be("Find **two** numbers.\nReturn them.");
        e.StarterCode.Should().Equal(new Dictionary<string, string> { ["python"] = "def solve():\n    pass\n" }, "empty starter code is no starter code");
        e.Tests.Should().Equal(new RunTestCase("sample", "1 2", "3", false), new RunTestCase("big", "secret-in", "secret-out", true));
        e.By.Should().Be("acct");
        e.At.Should().Be(At);
    }

    [Fact]
    public void Given_no_question_When_creating_one_with_many_mistakes_Then_every_mistake_is_named_with_its_field()
    {
        var draft = new QuestionDraft(" ", "impossible", ["ok", ""], null, null,
            new Dictionary<string, string?> { ["cobol"] = "x" },
            [new RunTestCase("a", "", "", false), new RunTestCase("a", "", "", true), null]);
        var d = Given([], new CreateQuestion(Id, draft, Languages, null, At));
        d.Events.Should().BeEmpty();
        d.Errors.Select(e => (e.Code, e.Field)).Should().Equal(
            ("invalid-title", "title"), ("invalid-difficulty", "difficulty"), ("invalid-label", "categories[1]"),
            ("unknown-language", "starterCode.cobol"), ("duplicate-test-name", "tests[1].name"), ("invalid-test-name", "tests[2].name"));
        d.Errors.Single(e => e.Code == "unknown-language").Message.Should().Contain("csharp, java, python");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void Given_no_question_When_the_difficulty_is_not_a_name_Then_invalid_difficulty(string? difficulty)
    {
        Given([], new CreateQuestion(Id, Draft() with { Difficulty = difficulty }, Languages, null, At))
            .Errors.Should().ContainSingle().Which.Code.Should().Be("invalid-difficulty");
    }

    [Fact]
    public void Given_no_question_When_it_is_too_large_in_total_Then_question_too_large()
    {
        var tests = Enumerable.Range(0, 10).Select(i => (RunTestCase?)new RunTestCase("t" + i, new string('x', 45_000), "", false)).ToList();
        var d = Given([], new CreateQuestion(Id, Draft() with { Tests = tests }, Languages, null, At));
        d.Errors.Should().ContainSingle().Which.Code.Should().Be("question-too-large");
    }

    [Fact]
    public void Given_a_question_When_creating_it_again_Then_question_exists()
    {
        Given([Created], new CreateQuestion(Id, Draft(), Languages, null, At)).Errors.Should().Equal(QuestionError.AlreadyExists);
    }

    [Fact]
    public void Given_a_question_When_editing_its_title_and_difficulty_Then_QuestionEdited_holds_the_whole_new_content()
    {
        var d = Given([Created], new EditQuestion(Id, Draft("Three sum", "Medium"), Languages, "acct2", At.AddMinutes(1)));
        var e = d.Events.Should().ContainSingle().Which.Should().BeOfType<QuestionEdited>().Subject;
        (e.Title, e.Difficulty, e.By).Should().Be(("Three sum", QuestionDifficulty.Medium, "acct2"));
        e.Tests.Should().HaveCount(2);
        e.StarterCode.Keys.Should().Equal("python");
        QuestionState.Fold([Created, e]).Content!.Title.Should().Be("Three sum");
    }

    [Fact]
    public void Given_a_question_When_an_edit_changes_nothing_Then_no_event()
    {
        Given([Created], new EditQuestion(Id, Draft(), Languages, null, At)).Refused.Should().BeFalse();
        Given([Created], new EditQuestion(Id, Draft(), Languages, null, At)).Events.Should().BeEmpty();
    }

    [Fact]
    public void Given_a_question_When_an_edit_is_invalid_Then_refused_with_the_field()
    {
        Given([Created], new EditQuestion(Id, Draft(title: new string('t', 201)), Languages, null, At))
            .Errors.Should().ContainSingle().Which.Field.Should().Be("title");
    }

    [Fact]
    public void Given_no_question_When_editing_or_archiving_Then_question_not_found()
    {
        Given([], new EditQuestion(Id, Draft(), Languages, null, At)).Errors.Should().Equal(QuestionError.NotFound);
        Given([], new ArchiveQuestion(Id, null, At)).Errors.Should().Equal(QuestionError.NotFound);
        Given([], new RestoreQuestion(Id, null, At)).Errors.Should().Equal(QuestionError.NotFound);
    }

    [Fact]
    public void Given_a_question_When_archiving_Then_QuestionArchived_and_archiving_again_records_nothing()
    {
        var archived = Given([Created], new ArchiveQuestion(Id, "acct", At)).Events.Should().ContainSingle().Subject;
        archived.Should().Be(new QuestionArchived(Id, "acct", At));
        Given([Created, archived], new ArchiveQuestion(Id, "acct", At)).Events.Should().BeEmpty();
        QuestionState.Fold([Created, archived]).Archived.Should().BeTrue();
    }

    [Fact]
    public void Given_an_archived_question_When_editing_Then_question_archived_and_after_restoring_the_edit_goes_through()
    {
        var archived = new QuestionArchived(Id, null, At);
        Given([Created, archived], new EditQuestion(Id, Draft("New"), Languages, null, At)).Errors.Should().ContainSingle().Which.Code.Should().Be("question-archived");
        var restored = Given([Created, archived], new RestoreQuestion(Id, "acct", At)).Events.Should().ContainSingle().Subject;
        restored.Should().Be(new QuestionRestored(Id, "acct", At));
        Given([Created, archived, restored], new EditQuestion(Id, Draft("New"), Languages, null, At)).Events.Should().ContainSingle().Which.Should().BeOfType<QuestionEdited>();
        Given([Created], new RestoreQuestion(Id, null, At)).Events.Should().BeEmpty("restoring a question in the bank changes nothing");
    }
}
