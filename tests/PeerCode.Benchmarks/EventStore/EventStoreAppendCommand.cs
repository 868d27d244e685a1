using System.Text;
using System.Text.Json;
using PeerCode.Application.EventStore;
using PeerCode.Infrastructure.EventStore;

namespace PeerCode.Benchmarks.EventStore;

/// <summary>
/// `es-append` (a helper, used by the two-process tests): opens the store in --data-dir as a second process and
/// appends --count single events to --stream (metadata node id --node, default "es-append"), --interval-ms apart.
/// Prints one JSON line with the last append's result. With --hold it then waits, store still open, until killed
/// (the crash test kills it there, before any clean shutdown).
/// </summary>
public static class EventStoreAppendCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var directory = args.Require("data-dir");
        var stream = args.Require("stream");
        var count = args.GetInt("count", 1);
        var interval = args.Has("interval-ms") ? TimeSpan.FromMilliseconds(args.GetInt("interval-ms", 1)) : TimeSpan.Zero;
        var node = args.Get("node") ?? "es-append";

        await using var store = new SqliteEventStore(new EventStoreOptions { DataDirectory = directory });
        AppendResult last = default;
        for (var i = 0; i < count; i++)
        {
            var data = Encoding.UTF8.GetBytes($"{{\"i\":{i}}}");
            last = await store.AppendAsync(stream, ExpectedRevision.Any,
                [new EventData(Guid.NewGuid(), "probe.appended.v1", data, new EventMetadata(NodeId: node))]);
            if (interval > TimeSpan.Zero) await Task.Delay(interval);
        }
        Console.WriteLine(JsonSerializer.Serialize(new { appended = count, last.NextExpectedRevision, last.GlobalPosition }));
        if (args.Has("hold")) await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
