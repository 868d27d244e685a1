using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Questions;
using PeerCode.Domain.Questions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Questions;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Questions;

public sealed class QuestionsProjectionSqliteTests : QuestionsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class QuestionsProjectionPostgresTests : QuestionsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class QuestionsProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new QuestionsProjection();

    private readonly Guid _twoSum = Guid.NewGuid();
    private readonly Guid _lru = Guid.NewGuid();
    private static DateTimeOffset At(double seconds) => History.T0.AddSeconds(seconds);

    private void Interview(Guid question, double startAt, double? passAfter, int failedRunsFirst = 0)
    {
        var room = Guid.NewGuid();
        var interview = Guid.NewGuid();
        var s = History.Room(room);
        var i = "interview-" + interview.ToString("N");
        History.Add(i, "interview.scheduled.v1", new { interviewId = interview, roomId = room, title = "x", questionId = question, at = At(startAt - 100) });
        History.Add(s, "room.participant-joined.v1", new { participantId = Guid.NewGuid(), name = "C", role = "candidate", color = "#fff", at = At(startAt - 10) });
        History.Add(i, "interview.started.v1", new { interviewId = interview, at = At(startAt) });
        for (var n = 0; n < failedRunsFirst; n++)
        {
            var failed = Guid.NewGuid();
            History.Add(s, "room.run-requested.v1", new { runId = failed, requestedBy = Guid.NewGuid(), language = "python", at = At(startAt + 1 + n) });
            History.Add(s, "room.run-completed.v1", new { runId = failed, verdict = "ok", tests = new[] { new { name = "t", verdict = "wrong-answer", hidden = false } }, at = At(startAt + 2 + n) });
        }
        if (passAfter is { } p)
        {
            var run = Guid.NewGuid();
            History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = Guid.NewGuid(), language = "python", at = At(startAt + p - 1) });
            History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "ok", at = At(startAt + p) });
        }
    }

    [Fact]
    public async Task Given_interviews_using_questions_Then_times_used_pass_rate_and_median_time_to_a_passing_run_follow()
    {
        History.Add("question-" + _twoSum.ToString("N"), "question.created.v1", new { questionId = _twoSum, title = "Two sum", difficulty = "easy", at = At(0) });
        History.Add("question-" + _lru.ToString("N"), "question.created.v1", new { questionId = _lru, title = "LRU cache", difficulty = "medium", at = At(0) });
        History.Add("question-" + _lru.ToString("N"), "question.renamed.v1", new { questionId = _lru, title = "LRU cache (v2)", at = At(1) });
        Interview(_twoSum, 1000, passAfter: 300, failedRunsFirst: 2);
        Interview(_twoSum, 5000, passAfter: 100);
        Interview(_twoSum, 9000, passAfter: 600);
        Interview(_twoSum, 12000, passAfter: null, failedRunsFirst: 1);
        Interview(_lru, 20000, passAfter: 50);
        Interview(_lru, 30000, passAfter: 150);

        await ProjectAsync(batchSize: 4);

        var rows = await QueryAsync<QuestionRow>("SELECT * FROM questions ORDER BY title");
        rows.Select(q => (q.Title, q.Difficulty, q.TimesUsed, q.Passes, q.PassRate, q.MedianSecondsToPass)).Should().Equal(
            ("LRU cache (v2)", "medium", 2L, 2L, (double?)1.0, (double?)100.0),
            ("Two sum", "easy", 4L, 3L, (double?)0.75, (double?)300.0));

        var attempts = await QueryAsync<QuestionAttemptRow>("SELECT * FROM question_attempts WHERE question_id = @q ORDER BY started_at", new { q = _twoSum.ToString() });
        attempts.Select(a => (a.Runs, a.SecondsToPass)).Should().Equal((3L, (double?)300.0), (1L, 100.0), (1L, 600.0), (1L, null));
    }

    [Fact]
    public async Task Given_a_room_switches_question_Then_the_use_moves_to_the_new_question()
    {
        var room = Guid.NewGuid();
        var s = History.Room(room);
        History.Add(s, "room.participant-joined.v1", new { participantId = Guid.NewGuid(), name = "C", role = "candidate", color = "#fff", at = At(0) });
        History.Add(s, "room.question-selected.v1", new { questionId = _twoSum, at = At(1) });
        History.Add(s, "room.question-selected.v1", new { questionId = _lru, at = At(2) });
        var run = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = Guid.NewGuid(), language = "python", at = At(40) });
        History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "ok", at = At(42) });

        await ProjectAsync(batchSize: 2);

        var rows = (await QueryAsync<QuestionRow>("SELECT * FROM questions")).ToDictionary(q => q.QuestionId);
        (rows[_twoSum.ToString()].TimesUsed, rows[_twoSum.ToString()].PassRate).Should().Be((0L, (double?)null));
        (rows[_lru.ToString()].TimesUsed, rows[_lru.ToString()].Passes, rows[_lru.ToString()].MedianSecondsToPass).Should().Be((1L, 1L, (double?)42));
    }
}

public sealed class QuestionBankProjectionSqliteTests : QuestionBankProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class QuestionBankProjectionPostgresTests : QuestionBankProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

/// <summary>The bank's list read model, fed with events encoded by the question domain's own codec (so a changed stored shape fails here).</summary>
public abstract class QuestionBankProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new QuestionsProjection();

    private static DateTimeOffset At(double seconds) => History.T0.AddSeconds(seconds);

    private static readonly IReadOnlySet<string> Languages = new HashSet<string> { "python", "java" };

    private void Write(IQuestionCommand command)
    {
        var stream = QuestionEventTypes.StreamOf(command.QuestionId);
        var state = QuestionState.Fold(History.Events.Where(e => e.Stream == stream).Select(QuestionEventCodec.Decode).OfType<IQuestionEvent>());
        var decision = QuestionRules.Decide(command, state);
        decision.Errors.Should().BeEmpty();
        foreach (var e in decision.Events) History.Add(stream, QuestionEventCodec.Encode(e, EventMetadata.Empty));
    }

    private static QuestionDraft Draft(string title, string difficulty, string[] categories, string[] tags) => new(
        title, difficulty, categories, tags, "desc", new Dictionary<string, string?> { ["python"] = "pass", ["java"] = "class A {}" },
        [new RunTestCase("a", "1", "1", false), new RunTestCase("b", "2", "2", true), new RunTestCase("c", "3", "3", true)]);

    private QuestionBankReader Reader => new(Store);

    private static QuestionListQuery All => new(null, null, null, null, false, 1, 50);

    [Fact]
    public async Task Given_a_created_question_When_an_edit_changes_title_difficulty_and_labels_Then_the_list_row_follows_the_edit()
    {
        var id = Guid.NewGuid();
        Write(new CreateQuestion(id, Draft("Two sum", "easy", ["arrays"], ["warm-up"]), Languages, null, At(0)));
        await ProjectAsync();
        var before = (await Reader.ListAsync(All, CancellationToken.None)).Items.Should().ContainSingle().Subject;
        (before.Title, before.Difficulty, before.Version, before.TestCount, before.HiddenTestCount).Should().Be(("Two sum", "easy", 0L, 3L, 2L));
        before.Languages.Should().Equal("java", "python");

        Write(new EditQuestion(id, Draft("Three sum", "hard", ["arrays", "two pointers"], ["classic"]), Languages, null, At(10)));
        await ProjectAsync();

        var after = (await Reader.ListAsync(All, CancellationToken.None)).Items.Should().ContainSingle().Subject;
        (after.Title, after.Difficulty, after.Version, after.UpdatedAt, after.CreatedAt).Should().Be(("Three sum", "hard", 1L, (DateTimeOffset?)At(10), (DateTimeOffset?)At(0)));
        after.Categories.Should().Equal("arrays", "two pointers");
        after.Tags.Should().Equal("classic");
        (await Reader.ListAsync(All with { Tag = "warm-up" }, CancellationToken.None)).Total.Should().Be(0, "the edit removed the old tag");
        (await Reader.ListAsync(All with { Tag = "classic" }, CancellationToken.None)).Total.Should().Be(1);
    }

    [Fact]
    public async Task Given_several_questions_When_filtering_by_text_difficulty_category_tag_and_archive_Then_only_the_matching_rows_in_title_order()
    {
        var sum = Guid.NewGuid();
        var lru = Guid.NewGuid();
        var graph = Guid.NewGuid();
        Write(new CreateQuestion(sum, Draft("Two sum", "easy", ["arrays"], ["warm-up"]), Languages, null, At(0)));
        Write(new CreateQuestion(lru, Draft("LRU cache", "medium", ["design"], ["classic"]), Languages, null, At(1)));
        Write(new CreateQuestion(graph, Draft("Shortest path 100%", "hard", ["graphs", "arrays"], ["classic"]), Languages, null, At(2)));
        Write(new ArchiveQuestion(lru, null, At(3)));
        // A question only seen through a room (the analytics side creates its row): never part of the bank's list.
        History.Add(History.Room(Guid.NewGuid()), "room.question-selected.v1", new { questionId = Guid.NewGuid(), at = At(4) });
        await ProjectAsync(batchSize: 2);

        async Task<IEnumerable<string>> Titles(QuestionListQuery q) => (await Reader.ListAsync(q, CancellationToken.None)).Items.Select(i => i.Title);

        (await Titles(All)).Should().Equal("Shortest path 100%", "Two sum");
        (await Titles(All with { IncludeArchived = true })).Should().Equal("LRU cache", "Shortest path 100%", "Two sum");
        (await Reader.ListAsync(All with { IncludeArchived = true }, CancellationToken.None)).Items.Single(i => i.Title == "LRU cache").Archived.Should().BeTrue();
        (await Titles(All with { Text = "SUM" })).Should().Equal("Two sum");
        (await Titles(All with { Text = "%" })).Should().ContainSingle("'%' is a character to find, not a wildcard").Which.Should().Be("Shortest path 100%");
        (await Titles(All with { Text = "classic", IncludeArchived = true })).Should().Equal("LRU cache", "Shortest path 100%");
        (await Titles(All with { Difficulty = "Hard" })).Should().Equal("Shortest path 100%");
        (await Titles(All with { Category = "arrays" })).Should().Equal("Shortest path 100%", "Two sum");
        (await Titles(All with { Tag = "classic" })).Should().Equal("Shortest path 100%");
        var page2 = await Reader.ListAsync(All with { IncludeArchived = true, PageSize = 2, Page = 2 }, CancellationToken.None);
        (page2.Total, page2.Items.Select(i => i.Title).Single()).Should().Be((3L, "Two sum"));

        Write(new RestoreQuestion(lru, null, At(5)));
        await ProjectAsync();
        var restored = (await Reader.ListAsync(All with { Text = "lru" }, CancellationToken.None)).Items.Should().ContainSingle().Subject;
        (restored.Archived, restored.Version).Should().Be((false, 2L));
    }

    [Fact]
    public async Task Given_an_append_position_When_the_projection_has_not_reached_it_Then_waiting_times_out_and_after_projecting_it_succeeds()
    {
        var id = Guid.NewGuid();
        Write(new CreateQuestion(id, Draft("Wait for me", "easy", [], []), Languages, null, At(0)));
        var position = History.Events.Last().GlobalPosition;
        (await Reader.WaitForAsync(position, TimeSpan.FromMilliseconds(50), CancellationToken.None)).Should().BeFalse();
        await ProjectAsync();
        (await Reader.WaitForAsync(position, TimeSpan.FromMilliseconds(50), CancellationToken.None)).Should().BeTrue();
    }
}
