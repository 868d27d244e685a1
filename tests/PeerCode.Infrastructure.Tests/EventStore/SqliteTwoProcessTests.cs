using System.Diagnostics;
using System.Reflection;
using System.Text;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;
using Xunit;
using Xunit.Abstractions;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>
/// Two real OS processes on one events.db: this test process and `PeerCode.Benchmarks es-append`.
/// The bound asserted here is deliberately generous (1 s, the machine is shared); the benchmark measures the real lag.
/// </summary>
public sealed class SqliteTwoProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 40;
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Events_appended_by_a_second_process_reach_this_processs_subscription_promptly()
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });
        await store.AppendAsync("room-mine", ExpectedRevision.NoStream, [NewEvent("mine")]);
        await using var sub = new SubscriptionCollector(ct => store.SubscribeToAllAsync(store.ReadLastPosition(), null, ct));
        await sub.WaitForAsync(m => m.OfType<SubscriptionMessage.CaughtUp>().Any(), TimeSpan.FromSeconds(10));

        // only the other process writes, so nothing in this process wakes the subscription but the file watcher
        await RunAppenderAsync("room-other", Count, intervalMs: 5);
        await sub.WaitForAsync(m => m.Count(x => x is SubscriptionMessage.Event) >= Count, TimeSpan.FromSeconds(10));

        var received = sub.SnapshotWithTimes()
            .Where(m => m.Message is SubscriptionMessage.Event)
            .Select(m => (Event: ((SubscriptionMessage.Event)m.Message).Recorded, m.ReceivedAt)).ToList();
        var lags = received.Select(r => (r.ReceivedAt - r.Event.RecordedAt).TotalMilliseconds).Order().ToList();
        output.WriteLine($"cross-process lag over {lags.Count} events: p50 {lags[lags.Count / 2]:F1} ms, p90 {lags[lags.Count * 9 / 10]:F1} ms, max {lags[^1]:F1} ms");

        received.Select(r => (r.Event.Stream, r.Event.Revision)).Should().Equal(Enumerable.Range(0, Count).Select(i => ("room-other", (long)i)));
        lags[lags.Count * 9 / 10].Should().BeLessThan(1000, "a second process's events must reach this process's subscription promptly (the issue's 50 ms is measured by the eventstore-xproc benchmark)");
        lags[^1].Should().BeLessThan(5000);
    }

    [Fact]
    public async Task Both_processes_writing_at_once_produce_one_gapless_order_that_the_subscription_follows_exactly()
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });
        await store.AppendAsync("room-mine", ExpectedRevision.NoStream, [NewEvent("mine")]);
        var start = store.ReadLastPosition();
        await using var sub = new SubscriptionCollector(ct => store.SubscribeToAllAsync(start, null, ct));

        var other = RunAppenderAsync("room-other", Count, intervalMs: 2);
        for (var i = 1; i <= Count; i++)
        {
            await store.AppendAsync("room-mine", ExpectedRevision.Exact(i - 1), [NewEvent("mine")]);
            await Task.Delay(2);
        }
        await other;
        await sub.WaitForAsync(m => m.Count(x => x is SubscriptionMessage.Event) >= 2 * Count, TimeSpan.FromSeconds(10));
        await Task.Delay(100);

        var all = await ToList(store.ReadAllAsync(start + 1, Direction.Forwards, 1000));
        all.Should().HaveCount(2 * Count);
        all.Select(e => e.GlobalPosition).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        all.Where(e => e.Stream == "room-mine").Select(e => e.Revision).Should().Equal(Enumerable.Range(1, Count).Select(i => (long)i));
        all.Where(e => e.Stream == "room-other").Select(e => e.Revision).Should().Equal(Enumerable.Range(0, Count).Select(i => (long)i));
        sub.Snapshot().OfType<SubscriptionMessage.Event>().Select(e => e.Recorded.GlobalPosition).Should().Equal(all.Select(e => e.GlobalPosition));
    }

    [Fact]
    public async Task Events_written_by_another_process_are_readable_here_and_idempotency_holds_across_processes()
    {
        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });
        await store.AppendAsync("room-x", ExpectedRevision.NoStream, [NewEvent("mine")]);

        await RunAppenderAsync("room-x", 5, intervalMs: null);

        // this process's writer had cached room-x at revision 0; the other process moved it to 5
        var stale = () => store.AppendAsync("room-x", ExpectedRevision.Exact(0), [NewEvent("mine")]);
        (await stale.Should().ThrowAsync<WrongExpectedRevisionException>()).Which.ActualRevision.Should().Be(5);
        (await store.AppendAsync("room-x", ExpectedRevision.Exact(5), [NewEvent("mine")])).NextExpectedRevision.Should().Be(6);
        var stream = await ToList(store.ReadStreamAsync("room-x", 0, Direction.Forwards, 100));
        stream.Select(e => e.Metadata.NodeId).Should().Equal("mine", "other", "other", "other", "other", "other", "mine");
    }

    [Fact]
    public async Task Appends_acknowledged_to_a_process_that_is_then_killed_are_all_in_the_file()
    {
        using var process = Process.Start(AppenderStartInfo("room-crash", 60, intervalMs: null, "--hold"))!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        line.Should().Contain("\"appended\":60", "the appender acknowledges all 60 appends before it is killed");

        process.Kill(entireProcessTree: true); // SIGKILL: no dispose, no checkpoint, no WAL cleanup
        await process.WaitForExitAsync();

        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = _directory.Path });
        var stream = await ToList(store.ReadStreamAsync("room-crash", 0, Direction.Forwards, 1000));
        stream.Select(e => e.Revision).Should().Equal(Enumerable.Range(0, 60).Select(i => (long)i));
    }

    /// <summary>Runs `es-append` as a second OS process on the same data directory (metadata node id "other") and checks it succeeded.</summary>
    private async Task RunAppenderAsync(string stream, int count, int? intervalMs)
    {
        using var process = Process.Start(AppenderStartInfo(stream, count, intervalMs)) ?? throw new InvalidOperationException("could not start the second process");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        process.ExitCode.Should().Be(0, await stderr);
        (await stdout).Should().Contain($"\"appended\":{count}");
    }

    private ProcessStartInfo AppenderStartInfo(string stream, int count, int? intervalMs, params string[] extra)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BenchmarksDll(), "es-append", "--data-dir", _directory.Path, "--stream", stream, "--count", count.ToString(), "--node", "other" })
            info.ArgumentList.Add(arg);
        if (intervalMs is { } ms)
        {
            info.ArgumentList.Add("--interval-ms");
            info.ArgumentList.Add(ms.ToString());
        }
        foreach (var arg in extra) info.ArgumentList.Add(arg);
        return info;
    }

    private static string BenchmarksDll()
    {
        var configuration = typeof(SqliteTwoProcessTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PeerCode.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException($"PeerCode.sln not found above {AppContext.BaseDirectory}");
        var dll = Path.Combine(dir.FullName, "tests", "PeerCode.Benchmarks", "bin", configuration, "net10.0", "PeerCode.Benchmarks.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build tests/PeerCode.Benchmarks ({configuration}) first; the two-process tests run it.", dll);
    }

    private static EventData NewEvent(string node) =>
        new(Guid.NewGuid(), "test.happened.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata(NodeId: node));

    private static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
