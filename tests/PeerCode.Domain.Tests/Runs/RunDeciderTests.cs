using FluentAssertions;
using PeerCode.Domain.Runs;
using Xunit;

namespace PeerCode.Domain.Tests.Runs;

public sealed class RunDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly RunTestCase Visible = new("visible", "1 2", "3", Hidden: false);
    private static readonly RunTestCase Hidden = new("hidden", "40 2", "42", Hidden: true);

    private static RequestRun Request(string id, int max = 3) =>
        new(id, "python", "print(1)\n", "", [Visible, Hidden], "alice", max, T0);

    private static RunRequested Requested(string id) =>
        new(id, "python", "print(1)\n", RunDecider.Sha256("print(1)\n"), "", [Visible, Hidden], "alice", T0);

    private static Scenario Given(params RunEvent[] events) => new(events.Aggregate(RoomRunsState.Initial, RoomRunsState.Evolve));

    private sealed record Scenario(RoomRunsState State)
    {
        public RunDecision When(RunCommand command) => RunDecider.Decide(command, State);
    }

    [Fact]
    public void Given_no_runs_When_a_run_is_requested_Then_it_is_requested_with_the_code_hash_and_queued_at_position_0()
    {
        var d = Given().When(Request("r1"));

        d.Events.Should().BeEquivalentTo(new RunEvent[] { Requested("r1"), new RunQueued("r1", 0, T0) }, o => o.RespectingRuntimeTypes().WithStrictOrdering());
        // SHA-256 of "print(1)\n", computed independently with Python's hashlib.
        ((RunRequested)d.Events[0]).CodeSha256.Should().Be("cc42155088fca5730758db72b2a5bca33112a941dfaa2d43098ec422ce4ea213");
    }

    [Fact]
    public void Given_the_room_at_its_limit_of_unfinished_runs_When_another_is_requested_Then_it_is_rejected_as_too_many_runs()
    {
        var d = Given(Requested("r1"), Requested("r2")).When(Request("r3", max: 2));

        d.Accepted.Should().BeFalse();
        d.Rejection!.Code.Should().Be("too-many-runs");
        d.Events.Should().BeEmpty();
    }

    [Fact]
    public void Given_a_completed_run_When_another_is_requested_Then_the_completed_one_does_not_count_against_the_limit()
    {
        var d = Given(Requested("r1"), new RunStarted("r1", "n1", T0), Completed("r1")).When(Request("r2", max: 1));

        d.Accepted.Should().BeTrue();
        d.Events.OfType<RunQueued>().Single().Position.Should().Be(0);
    }

    [Fact]
    public void Given_a_running_run_When_output_is_recorded_twice_Then_the_batches_get_consecutive_sequence_numbers()
    {
        var s = Given(Requested("r1"), new RunStarted("r1", "n1", T0));

        var first = s.When(new RecordOutput("r1", "stdout", "a")).Events.Single();
        var second = RunDecider.Decide(new RecordOutput("r1", "stderr", "b"), RoomRunsState.Evolve(s.State, first)).Events.Single();

        first.Should().Be(new RunOutput("r1", 0, "stdout", "a"));
        second.Should().Be(new RunOutput("r1", 1, "stderr", "b"));
    }

    [Fact]
    public void Given_a_queued_run_When_output_or_completion_arrives_Then_it_is_rejected_because_the_run_is_not_running()
    {
        var s = Given(Requested("r1"), new RunQueued("r1", 0, T0));

        s.When(new RecordOutput("r1", "stdout", "x")).Rejection!.Code.Should().Be("run-not-running");
        s.When(new CompleteRun("r1", 0, RunVerdict.Ok, 1, 1, 1, false, [], null, T0)).Rejection!.Code.Should().Be("run-not-running");
    }

    [Fact]
    public void Given_a_running_run_whose_node_died_When_it_is_abandoned_Then_it_completes_as_internal_error_with_the_reason()
    {
        var d = Given(Requested("r1"), new RunStarted("r1", "n1", T0)).When(new AbandonRun("r1", "node n1 stopped while running it", T0));

        d.Events.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new RunCompleted("r1", null, RunVerdict.InternalError, 0, null, null, false, [], "node n1 stopped while running it", T0));
    }

    [Fact]
    public void Given_a_completed_run_When_anything_else_arrives_Then_it_is_rejected()
    {
        var s = Given(Requested("r1"), new RunStarted("r1", "n1", T0), Completed("r1"));

        s.When(new StartRun("r1", "n2", T0)).Rejection!.Code.Should().Be("run-completed");
        s.When(new AbandonRun("r1", "late", T0)).Rejection!.Code.Should().Be("run-completed");
        s.When(Request("r1")).Rejection!.Code.Should().Be("run-exists");
    }

    [Fact]
    public void Given_no_such_run_When_it_is_started_Then_it_is_rejected_as_unknown()
    {
        Given().When(new StartRun("nope", "n1", T0)).Rejection!.Code.Should().Be("unknown-run");
    }

    [Fact]
    public void A_requested_event_for_candidates_keeps_visible_tests_and_strips_hidden_inputs_and_outputs()
    {
        var forCandidate = Requested("r1").ForCandidate();

        forCandidate.Tests.Should().Equal(Visible, Hidden with { Stdin = "", ExpectedStdout = "" });
        forCandidate.Code.Should().Be("print(1)\n");
    }

    [Fact]
    public void Every_run_event_has_a_distinct_versioned_room_wire_name()
    {
        RunEventTypes.Names.Values.Should().OnlyHaveUniqueItems().And.AllSatisfy(n => n.Should().MatchRegex(@"^room\.run-[a-z-]+\.v1$"));
        typeof(RunEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RunEvent)) && !t.IsAbstract)
            .Should().BeEquivalentTo(RunEventTypes.Names.Keys);
    }

    private static RunCompleted Completed(string id) => new(id, 0, RunVerdict.Ok, 10, 5, 1000, false, [], null, T0);
}
