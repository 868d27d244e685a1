using FluentAssertions;
using PeerCode.Domain.Interviews;
using Xunit;

namespace PeerCode.Domain.Tests.Interviews;

/// <summary>Given(events).When(command).Then(events | error) over the pure interview decisions.</summary>
public sealed class InterviewDeciderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Interview = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Room = Guid.Parse("22222222-2222-2222-2222-222222222222");
    private static readonly Guid Ivan = Guid.Parse("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    private static readonly Guid Petra = Guid.Parse("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");
    private static readonly Guid Outsider = Guid.Parse("cccccccc-cccc-cccc-cccc-cccccccccccc");

    private static ScheduleInterview Schedule(Action<ScheduleBuilder>? change = null)
    {
        var b = new ScheduleBuilder { QuestionId = null };
        change?.Invoke(b);
        return new ScheduleInterview(Interview, Room, b.Title, b.QuestionId, b.ScheduledFor, b.CandidateName, b.CandidateEmail, b.InterviewerIds, b.Language, Ivan, At);
    }

    private sealed class ScheduleBuilder
    {
        public string Title = " Backend pairing ";
        public Guid? QuestionId = Guid.Empty;
        public DateTimeOffset? ScheduledFor = At.AddHours(2);
        public string CandidateName = "Cleo Candidate";
        public string CandidateEmail = "cleo@example.com";
        public IReadOnlyList<Guid> InterviewerIds = [Ivan, Petra, Ivan];
        public string Language = "python";
    }

    private static readonly InterviewScheduled Scheduled = (InterviewScheduled)InterviewRules.Decide(Schedule(), InterviewState.Initial).Events[0];
    private static readonly InterviewStarted Started = new(Interview, Ivan, At.AddHours(2));
    private static readonly InterviewEnded Ended = new(Interview, Ivan, At.AddHours(3));
    private static readonly CompetencyRating[] Ratings = [new("Problem solving", 3), new("Communication", 4)];

    private static InterviewDecision Given(IInterviewEvent[] events, IInterviewCommand command) => InterviewRules.Decide(command, InterviewState.Fold(events));

    [Fact]
    public void Given_nothing_When_scheduled_Then_InterviewScheduled_with_trimmed_title_and_distinct_interviewers()
    {
        Given([], Schedule()).Events.Should().Equal(new InterviewScheduled(
            Interview, Room, "Backend pairing", null, At.AddHours(2), "Cleo Candidate", "cleo@example.com", [Ivan, Petra], "python", Ivan, At));
    }

    [Theory]
    [InlineData("title", "invalid-title")]
    [InlineData("candidateName", "invalid-candidate-name")]
    [InlineData("candidateEmail", "invalid-candidate-email")]
    [InlineData("interviewerIds", "no-interviewers")]
    [InlineData("language", "unknown-language")]
    [InlineData("scheduledFor", "scheduled-in-past")]
    public void Given_nothing_When_scheduled_with_one_bad_field_Then_a_validation_error_naming_that_field(string field, string code)
    {
        var command = Schedule(b =>
        {
            switch (field)
            {
                case "title": b.Title = "   "; break;
                case "candidateName": b.CandidateName = "Cleo\u0007"; break;
                case "candidateEmail": b.CandidateEmail = "cleo.example.com"; break;
                case "interviewerIds": b.InterviewerIds = []; break;
                case "language": b.Language = "cobol"; break;
                case "scheduledFor": b.ScheduledFor = At.AddDays(-1); break;
            }
        });
        var error = Given([], command).Error!;
        error.Should().BeEquivalentTo(new { Field = field, Code = code });
        error.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Given_nothing_When_scheduled_with_an_empty_question_id_Then_invalid_question_id_but_none_is_fine()
    {
        Given([], Schedule(b => b.QuestionId = Guid.Empty)).Error!.Code.Should().Be("invalid-question-id");
        Given([], Schedule(b => b.QuestionId = null)).Refused.Should().BeFalse();
    }

    [Fact]
    public void Given_a_scheduled_interview_When_scheduled_again_Then_interview_exists()
    {
        Given([Scheduled], Schedule()).Error!.Code.Should().Be("interview-exists");
    }

    [Fact]
    public void Given_nothing_When_started_Then_interview_not_found()
    {
        Given([], new StartInterview(Ivan, At)).Error.Should().Be(InterviewError.NotFound);
    }

    [Fact]
    public void Given_a_scheduled_interview_When_started_Then_InterviewStarted()
    {
        Given([Scheduled], new StartInterview(Petra, At)).Events.Should().Equal(new InterviewStarted(Interview, Petra, At));
    }

    [Fact]
    public void Given_a_started_interview_When_started_again_Then_already_started()
    {
        Given([Scheduled, Started], new StartInterview(Ivan, At)).Error!.Code.Should().Be("already-started");
    }

    [Fact]
    public void Given_a_scheduled_interview_When_ended_Then_not_started()
    {
        Given([Scheduled], new EndInterview(Ivan, At)).Error!.Code.Should().Be("not-started");
    }

    [Fact]
    public void Given_a_started_interview_When_ended_Then_InterviewEnded_and_status_ended()
    {
        var d = Given([Scheduled, Started], new EndInterview(Ivan, At));
        d.Events.Should().Equal(new InterviewEnded(Interview, Ivan, At));
        InterviewState.Fold([Scheduled, Started, .. d.Events]).Status.Should().Be(InterviewStatus.Ended);
    }

    [Fact]
    public void Given_an_ended_interview_When_started_or_cancelled_Then_interview_ended()
    {
        Given([Scheduled, Started, Ended], new StartInterview(Ivan, At)).Error!.Code.Should().Be("interview-ended");
        Given([Scheduled, Started, Ended], new CancelInterview(null, Ivan, At)).Error!.Code.Should().Be("interview-ended");
    }

    [Fact]
    public void Given_a_scheduled_interview_When_cancelled_with_a_reason_Then_InterviewCancelled_with_it_trimmed()
    {
        Given([Scheduled], new CancelInterview("  candidate withdrew ", Ivan, At)).Events
            .Should().Equal(new InterviewCancelled(Interview, "candidate withdrew", Ivan, At));
    }

    [Fact]
    public void Given_a_cancelled_interview_When_started_Then_interview_cancelled()
    {
        Given([Scheduled, new InterviewCancelled(Interview, null, Ivan, At)], new StartInterview(Ivan, At)).Error!.Code.Should().Be("interview-cancelled");
    }

    [Fact]
    public void Given_a_running_interview_When_a_scorecard_is_submitted_Then_interview_not_ended()
    {
        Given([Scheduled, Started], new SubmitScorecard(Ivan, Ratings, "yes", "good", At)).Error!.Code.Should().Be("interview-not-ended");
    }

    [Fact]
    public void Given_an_ended_interview_When_an_interviewer_submits_Then_ScorecardSubmitted_with_trimmed_fields()
    {
        Given([Scheduled, Started, Ended], new SubmitScorecard(Petra, [new(" Problem solving ", 3)], "strong-yes", " Clear thinker ", At)).Events
            .Should().Equal(new ScorecardSubmitted(Interview, Petra, [new("Problem solving", 3)], "strong-yes", "Clear thinker", At));
    }

    [Fact]
    public void Given_a_submitted_scorecard_When_the_same_interviewer_resubmits_Then_the_state_keeps_only_the_newer_one()
    {
        var first = new ScorecardSubmitted(Interview, Ivan, Ratings, "no", "first", At);
        var d = Given([Scheduled, Started, Ended, first], new SubmitScorecard(Ivan, Ratings, "yes", "second", At.AddMinutes(5)));
        var state = InterviewState.Fold([Scheduled, Started, Ended, first, .. d.Events]);
        state.Scorecards.Should().ContainSingle().Which.Value.Text.Should().Be("second");
    }

    [Fact]
    public void Given_an_ended_interview_When_someone_not_assigned_submits_Then_not_an_interviewer()
    {
        Given([Scheduled, Started, Ended], new SubmitScorecard(Outsider, Ratings, "yes", "", At)).Error!.Code.Should().Be("not-an-interviewer");
    }

    [Theory]
    [InlineData(0, "yes", "invalid-rating")]
    [InlineData(5, "yes", "invalid-rating")]
    [InlineData(3, "maybe", "invalid-recommendation")]
    public void Given_an_ended_interview_When_a_scorecard_has_a_bad_value_Then_a_validation_error(int rating, string recommendation, string code)
    {
        Given([Scheduled, Started, Ended], new SubmitScorecard(Ivan, [new("Coding", rating)], recommendation, "", At)).Error!.Code.Should().Be(code);
    }

    [Fact]
    public void Given_an_ended_interview_When_a_competency_is_rated_twice_Then_duplicate_competency()
    {
        Given([Scheduled, Started, Ended], new SubmitScorecard(Ivan, [new("Coding", 3), new("coding", 2)], "yes", "", At)).Error!.Code
            .Should().Be("duplicate-competency");
    }
}
