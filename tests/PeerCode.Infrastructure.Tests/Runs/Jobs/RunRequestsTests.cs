using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Jobs;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

public sealed class RunRequestsTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_request_is_recorded_queued_and_run_and_bad_ones_leave_nothing_recorded_or_queued()
    {
        var db = Path.Combine(Path.GetTempPath(), $"peercode-quartz-{Guid.NewGuid():N}.db");
        var lifecycle = new InMemoryRunLifecycle();
        // Not started: queued jobs stay in the store, so what was queued can be counted.
        await using var scheduler = await RunScheduler.CreateAsync(new RunJobStore.Sqlite(db), "node-a", fx.Runner(), lifecycle, TimeProvider.System);
        var requests = new RunRequests(fx.Runner(), lifecycle, scheduler, TimeProvider.System, maxUnfinishedPerRoom: 2);

        var first = await requests.RequestAsync("room-1", "python", "print(1)\n", "", [], "alice");
        await requests.RequestAsync("room-1", "python", "print(2)\n", "", [], "alice");
        var tooMany = () => requests.RequestAsync("room-1", "python", "print(3)\n", "", [], "alice");
        var unknown = () => requests.RequestAsync("room-1", "cobol", "x", "", [], "alice");
        var huge = () => requests.RequestAsync("room-2", "python", new string('#', (1 << 20) + 1), "", [], "alice");

        (await tooMany.Should().ThrowAsync<RunRequestException>()).Which.Code.Should().Be("too-many-runs");
        (await unknown.Should().ThrowAsync<RunRequestException>()).Which.Code.Should().Be("unknown-language");
        (await huge.Should().ThrowAsync<RunRequestException>()).Which.Code.Should().Be("code-too-large");
        lifecycle.Events("room-1").OfType<RunRequested>().Should().HaveCount(2);
        lifecycle.Events("room-2").Should().BeEmpty();
        QueuedJobs(db).Should().BeEquivalentTo(lifecycle.Events("room-1").OfType<RunRequested>().Select(r => "run-" + r.RunId));
        lifecycle.Events("room-1").OfType<RunRequested>().First().RunId.Should().Be(first);
    }

    /// <summary>The job names in Quartz's own tables, read straight from the SQLite file.</summary>
    private static List<string> QueuedJobs(string db)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT JOB_NAME FROM QRTZ_JOB_DETAILS";
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }
}
