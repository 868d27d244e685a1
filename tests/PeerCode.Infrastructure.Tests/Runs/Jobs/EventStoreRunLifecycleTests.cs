using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Jobs;
using PeerCode.Infrastructure.Tests.EventStore;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

public sealed class EventStoreRunLifecycleTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

    private static RequestRun Request(string runId, string code = "print('hi')\n") =>
        new(runId, "python", code, "", [new RunTestCase("h", "1", "2", Hidden: true)], "alice", 3, T0);

    [Fact]
    public async Task Run_events_are_stored_in_the_room_stream_under_their_wire_names_and_read_back_by_another_node()
    {
        await using var db = new SqliteTestStore();
        var store = db.Store;
        var nodeA = new EventStoreRunLifecycle(store, "node-a");

        (await nodeA.HandleAsync("r1", Request("run-1"), default)).Accepted.Should().BeTrue();

        (await db.Stream("room-r1")).Select(e => e.Type).Should().Equal("room.run-requested.v1", "room.run-queued.v1");
        (await db.Stream("room-r1")).Should().AllSatisfy(e => e.Metadata.NodeId.Should().Be("node-a"));
        var nodeB = new EventStoreRunLifecycle(store, "node-b");
        var request = await nodeB.GetRequestAsync("r1", "run-1", default);
        request.Should().BeEquivalentTo(new RunRequested("run-1", "python", "print('hi')\n", RunDecider.Sha256("print('hi')\n"), "",
            [new RunTestCase("h", "1", "2", Hidden: true)], "alice", T0));
    }

    [Fact]
    public void A_completed_event_is_stored_as_camel_case_json_with_verdicts_by_their_wire_names()
    {
        var e = new RunCompleted("run-1", 1, RunVerdict.CompileError, 12, 5, 2048, false,
            [new RunTestResult("t", false, TestVerdict.WrongAnswer, "line 1: expected \"1\", got \"2\"", "differs", 3)], "Compilation failed.", T0);

        var json = Encoding.UTF8.GetString(RunEventSerializer.Serialize(e));

        json.Should().Be("{\"exitCode\":1,\"verdict\":\"compile-error\",\"wallMs\":12,\"cpuMs\":5,\"peakMemoryKb\":2048,"
            + "\"outputTruncated\":false,\"tests\":[{\"name\":\"t\",\"hidden\":false,\"verdict\":\"wrong-answer\",\"diff\":\"line 1: expected \\u00221\\u0022, got \\u00222\\u0022\","
            + "\"detail\":\"differs\",\"wallMs\":3}],\"detail\":\"Compilation failed.\",\"at\":\"2026-11-22T01:00:00+00:00\",\"runId\":\"run-1\"}");
        RunEventSerializer.Deserialize("room.run-completed.v1", Encoding.UTF8.GetBytes(json)).Should().BeEquivalentTo(e);
        RunEventSerializer.Deserialize("room.document-updated.v1", "{}"u8).Should().BeNull();
    }

    [Fact]
    public async Task Other_room_events_appended_meanwhile_by_anyone_make_the_lifecycle_catch_up_and_decide_again()
    {
        await using var db = new SqliteTestStore();
        var store = db.Store;
        var lifecycle = new EventStoreRunLifecycle(store, "node-a");
        await lifecycle.HandleAsync("r1", Request("run-1"), default);
        await lifecycle.HandleAsync("r1", new StartRun("run-1", "node-a", T0), default);
        // An edit and another node's output land in the room stream behind this node's back.
        await store.AppendAsync("room-r1", ExpectedRevision.Any, [new EventData(Guid.NewGuid(), "room.document-updated.v1", "{}"u8.ToArray(), EventMetadata.Empty)]);
        var other = new EventStoreRunLifecycle(store, "node-b");
        await other.HandleAsync("r1", new RecordOutput("run-1", "stdout", "a"), default);

        var d = await lifecycle.HandleAsync("r1", new RecordOutput("run-1", "stdout", "b"), default);

        d.Events.Should().Equal(new RunOutput("run-1", 1, "stdout", "b"));
        (await db.Stream("room-r1")).Select(e => e.Type).Should().Equal(
            "room.run-requested.v1", "room.run-queued.v1", "room.run-started.v1", "room.document-updated.v1", "room.run-output.v1", "room.run-output.v1");
    }

    [Fact]
    public async Task A_rejected_command_appends_nothing()
    {
        await using var db = new SqliteTestStore();
        var store = db.Store;
        var lifecycle = new EventStoreRunLifecycle(store, "node-a");
        for (var i = 0; i < 3; i++) await lifecycle.HandleAsync("r1", Request($"run-{i}"), default);
        var before = (await db.Stream("room-r1")).Count;

        var d = await lifecycle.HandleAsync("r1", Request("run-3"), default);

        d.Rejection!.Code.Should().Be("too-many-runs");
        (await db.Stream("room-r1")).Should().HaveCount(before);
    }

    [Fact]
    public async Task A_run_job_over_the_event_store_leaves_the_whole_lifecycle_in_the_room_stream()
    {
        await using var db = new SqliteTestStore();
        var store = db.Store;
        var lifecycle = new EventStoreRunLifecycle(store, "node-a");
        await lifecycle.HandleAsync("r1", Request("run-1", "print('hello')\nprint(input())\n") with { Stdin = "from stdin\n" }, default);
        var job = new RunJob(fx.Runner(), lifecycle, TimeProvider.System, "node-a", NullLogger<RunJob>.Instance);

        await job.ExecuteAsync("r1", "run-1", recovering: false, default);

        var events = (await db.Stream("room-r1")).Select(r => RunEventSerializer.Deserialize(r.Type, r.Data.Span)!).ToList();
        events.Select(e => e.GetType().Name).Should().StartWith(["RunRequested", "RunQueued", "RunStarted"]).And.EndWith("RunCompleted");
        string.Concat(events.OfType<RunOutput>().Select(o => o.Text)).Should().Be("hello\nfrom stdin\n");
        events.OfType<RunCompleted>().Single().Verdict.Should().Be(RunVerdict.Ok);
    }
}
