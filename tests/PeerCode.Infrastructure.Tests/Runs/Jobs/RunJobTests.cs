using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Jobs;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

public sealed class RunJobTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static RequestRun Request(string runId, string code, params RunTestCase[] tests) =>
        new(runId, "python", code, "", tests, "alice", 10, T0);

    [Fact]
    public async Task A_run_job_appends_started_batched_output_in_sequence_and_completed_with_the_verdict()
    {
        var lifecycle = new InMemoryRunLifecycle();
        var code = "import sys\nfor i in range(3000):\n    print(i)\nprint('oops', file=sys.stderr)\n";
        lifecycle.Request("room-1", Request("r1", code, new RunTestCase("t", "", "0\n", Hidden: true)));
        var job = new RunJob(fx.Runner(), lifecycle, TimeProvider.System, "node-a", NullLogger<RunJob>.Instance);

        await job.ExecuteAsync("room-1", "r1", recovering: false, CancellationToken.None);

        var events = lifecycle.Events("room-1");
        events.Select(e => e.GetType().Name).Distinct().Should().Equal("RunRequested", "RunQueued", "RunStarted", "RunOutput", "RunCompleted");
        var outputs = events.OfType<RunOutput>().ToList();
        outputs.Select(o => o.Seq).Should().Equal(Enumerable.Range(0, outputs.Count).Select(i => (long)i));
        outputs.Should().AllSatisfy(o => System.Text.Encoding.UTF8.GetByteCount(o.Text).Should().BeLessThanOrEqualTo(4096));
        string.Concat(outputs.Where(o => o.Stream == "stdout").Select(o => o.Text)).Should().Be(string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i}\n")));
        // Python buffers stdout in a pipe, so the pipes' relative order is the program's, not the print order.
        string.Concat(outputs.Where(o => o.Stream == "stderr").Select(o => o.Text)).Should().Be("oops\n");
        var completed = events.OfType<RunCompleted>().Single();
        completed.Verdict.Should().Be(RunVerdict.Ok);
        completed.Tests.Should().ContainSingle().Which.Verdict.Should().Be(TestVerdict.WrongAnswer);
        completed.Tests[0].Diff.Should().BeNull("the test is hidden");
        events.OfType<RunStarted>().Single().Node.Should().Be("node-a");
    }

    [Fact]
    public async Task A_recovered_job_whose_node_died_completes_the_run_as_internal_error_with_the_reason()
    {
        var lifecycle = new InMemoryRunLifecycle();
        lifecycle.Request("room-1", Request("r1", "print(1)\n"));
        await lifecycle.HandleAsync("room-1", new StartRun("r1", "node-that-died", T0), CancellationToken.None);
        var job = new RunJob(fx.Runner(), lifecycle, TimeProvider.System, "node-b", NullLogger<RunJob>.Instance);

        await job.ExecuteAsync("room-1", "r1", recovering: true, CancellationToken.None);

        var completed = lifecycle.Events("room-1").OfType<RunCompleted>().Single();
        completed.Verdict.Should().Be(RunVerdict.InternalError);
        completed.Detail.Should().Contain("stopped before it finished");
    }

    [Fact]
    public async Task A_run_whose_node_died_mid_run_is_recovered_from_the_job_store_and_completed_as_failed_never_left_running()
    {
        var db = Path.Combine(Path.GetTempPath(), $"peercode-quartz-{Guid.NewGuid():N}.db");
        var lifecycle = new InMemoryRunLifecycle();
        lifecycle.Request("room-1", Request("r1", "import time\ntime.sleep(3)\n"));
        lifecycle.ExpectCompletions(1);

        // "node-a" starts the run and then "dies": it is never shut down, its fired trigger stays in the store.
        var dying = await RunScheduler.CreateAsync(new RunJobStore.Sqlite(db), "node-a", fx.Runner(), lifecycle, TimeProvider.System);
        await dying.StartAsync();
        await dying.EnqueueAsync("room-1", "r1");
        for (var i = 0; i < 200 && !lifecycle.Events("room-1").OfType<RunStarted>().Any(); i++) await Task.Delay(25);
        lifecycle.Events("room-1").OfType<RunStarted>().Should().ContainSingle();

        // The node comes back (same instance id, same job store): Quartz recovers the job, which fails the run with a reason.
        await using (var restarted = await RunScheduler.CreateAsync(new RunJobStore.Sqlite(db), "node-a", fx.Runner(), lifecycle, TimeProvider.System))
        {
            await restarted.StartAsync();
            await lifecycle.AllCompleted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var completed = lifecycle.Events("room-1").OfType<RunCompleted>().Single();
        completed.Verdict.Should().Be(RunVerdict.InternalError);
        completed.Detail.Should().Contain("stopped before it finished");
        await dying.DisposeAsync();
        lifecycle.Events("room-1").OfType<RunCompleted>().Should().ContainSingle("the old job's late completion is refused");
        File.Delete(db);
    }
}
