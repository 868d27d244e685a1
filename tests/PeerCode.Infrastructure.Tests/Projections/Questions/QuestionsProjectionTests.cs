using FluentAssertions;
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
