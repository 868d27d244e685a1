using FluentAssertions;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Runs;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Runs;

public sealed class RunsProjectionSqliteTests : RunsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class RunsProjectionPostgresTests : RunsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class RunsProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new RunsProjection();

    private readonly Guid _room = Guid.NewGuid();
    private readonly Guid _alice = Guid.NewGuid();
    private static DateTimeOffset At(double ms) => History.T0.AddMilliseconds(ms);

    [Fact]
    public async Task Given_a_run_through_its_lifecycle_Then_its_row_has_timings_verdict_memory_output_and_test_results()
    {
        var s = History.Room(_room);
        var run = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = _alice, language = "python", code = "print(1)", at = At(0) });
        History.Add(s, "room.run-queued.v1", new { runId = run, at = At(5) });
        History.Add(s, "room.run-started.v1", new { runId = run, at = At(250) });
        History.Add(s, "room.run-output.v1", new { runId = run, stream = "stdout", text = "héllo\n", at = At(300) });
        History.Add(s, "room.run-output.v1", new { runId = run, stream = "stderr", text = "warn", at = At(310) });
        History.Add(s, "room.run-completed.v1", new
        {
            runId = run, verdict = "ok", exitCode = 0, wallMs = 812, cpuMs = 640, peakMemoryKb = 24_000, outputTruncated = true, detail = (string?)null,
            tests = new[]
            {
                new { name = "sample", verdict = "passed", hidden = false, wallMs = 40, detail = (string?)null },
                new { name = "big", verdict = "time-limit", hidden = true, wallMs = 2000, detail = (string?)"killed after 2 s" },
            },
            at = At(1250),
        });

        await ProjectAsync(batchSize: 2);

        var row = (await QueryAsync<RunRow>("SELECT * FROM runs")).Should().ContainSingle().Subject;
        row.RunId.Should().Be(run.ToString());
        row.RoomId.Should().Be(_room.ToString());
        row.ParticipantId.Should().Be(_alice.ToString());
        (row.Language, row.Status, row.Verdict, row.Passed).Should().Be(("python", "completed", "ok", 0L));
        (row.QueueMs, row.WallMs, row.CpuMs, row.TotalMs).Should().Be((250L, 812L, 640L, 1250L));
        (row.PeakMemoryKb, row.OutputTruncated).Should().Be((24_000L, 1L));
        row.ExitCode.Should().Be(0);
        (row.OutputChunks, row.OutputBytes).Should().Be((2L, 11L));
        (row.TestsTotal, row.TestsPassed).Should().Be((2L, 1L));
        row.RequestedAt.Should().Be(At(0));
        row.QueuedAt.Should().Be(At(5));
        row.StartedAt.Should().Be(At(250));
        row.CompletedAt.Should().Be(At(1250));

        var tests = await QueryAsync<RunTestRow>("SELECT * FROM run_tests ORDER BY ordinal");
        tests.Select(t => (t.Ordinal, t.Name, t.Verdict, t.Passed, t.Hidden, t.WallMs, t.Detail)).Should().Equal(
            (0L, "sample", "passed", 1L, 0L, (long?)40, (string?)null),
            (1L, "big", "time-limit", 0L, 1L, (long?)2000, (string?)"killed after 2 s"));
    }

    [Fact]
    public async Task Given_an_ok_run_whose_tests_all_pass_Then_it_is_a_passing_run_and_a_second_completion_changes_nothing()
    {
        var s = History.Room(_room);
        var run = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = _alice, language = "go", at = At(0) });
        History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "ok", tests = new[] { new { name = "a", verdict = "passed", hidden = false } }, at = At(900) });
        History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "internal-error", at = At(950) });

        await ProjectAsync();

        var row = (await QueryAsync<RunRow>("SELECT * FROM runs")).Single();
        (row.Verdict, row.Passed, row.TotalMs, row.QueueMs).Should().Be(("ok", 1L, 900L, (long?)null));
    }
}
