using FluentAssertions;
using PeerCode.Application.Replay;
using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using Xunit;

namespace PeerCode.Web.Tests.Replay;

/// <summary>Replay reads the run events by wire name and stored JSON: the bytes the runs feature writes decode into replay's records.</summary>
public sealed class ReplayRunEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Replay_knows_every_run_event_wire_name_the_runs_feature_writes() =>
        ReplayRunEvents.ByName.Keys.Should().BeEquivalentTo(RunEventTypes.Names.Values);

    [Fact]
    public void A_stored_RunRequested_and_RunCompleted_decode_with_the_code_tests_and_verdicts()
    {
        var requested = new RunRequested("run-1", "python", "print(1)\n", "abc", "in", [new RunTestCase("t", "1", "2", Hidden: true)], "Bob", At);
        var r = (RunRequestedRecord)ReplayRunEvents.Decode(RunEventSerializer.TypeOf(requested), RunEventSerializer.Serialize(requested))!;
        r.Should().BeEquivalentTo(new RunRequestedRecord("run-1", "python", "print(1)\n", "abc", "in", [new RunTestCaseRecord("t", "1", "2", true)], "Bob", At));
        r.WithoutHiddenData().Tests.Single().Should().Be(new RunTestCaseRecord("t", "", "", true));

        var completed = new RunCompleted("run-1", 1, RunVerdict.CompileError, 12, null, 2048, false,
            [new RunTestResult("t", true, TestVerdict.WrongAnswer, null, "differs", 3)], "Compilation failed.", At);
        var c = (RunCompletedRecord)ReplayRunEvents.Decode(RunEventSerializer.TypeOf(completed), RunEventSerializer.Serialize(completed))!;
        c.Verdict.Should().Be("compile-error");
        c.Tests.Single().Should().Be(new RunTestResultRecord("t", true, "wrong-answer", null, "differs", 3));
        c.Should().BeEquivalentTo(new { RunId = "run-1", ExitCode = 1, WallMs = 12L, CpuMs = (long?)null, PeakMemoryKb = 2048L, Detail = "Compilation failed.", At });

        var output = new RunOutput("run-1", 4, "stderr", "oops");
        ReplayRunEvents.Decode(RunEventSerializer.TypeOf(output), RunEventSerializer.Serialize(output)).Should().Be(new RunOutputRecord("run-1", 4, "stderr", "oops"));
        var queued = new RunQueued("run-1", 2, At);
        ReplayRunEvents.Decode(RunEventSerializer.TypeOf(queued), RunEventSerializer.Serialize(queued)).Should().Be(new RunQueuedRecord("run-1", 2, At));
        var started = new RunStarted("run-1", "node-a", At);
        ReplayRunEvents.Decode(RunEventSerializer.TypeOf(started), RunEventSerializer.Serialize(started)).Should().Be(new RunStartedRecord("run-1", "node-a", At));
    }
}
