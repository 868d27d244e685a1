// Benchmarks and operator commands. Each suite prints exactly one JSON line on stdout.
// Usage: dotnet run -c Release --project tests/PeerCode.Benchmarks -- <command> [options]
using PeerCode.Benchmarks;
using PeerCode.Benchmarks.EventStore;

var commands = new Dictionary<string, Func<CommandLine, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["replay"] = ReplayBenchmark.RunAsync,
    ["eventstore"] = EventStoreBenchmark.RunAsync,
    ["eventstore-xproc"] = CrossProcessBenchmark.RunAsync,
    ["es-append"] = EventStoreAppendCommand.RunAsync,
    ["esdb-append"] = EventStoreDbAppendBenchmark.RunAsync,
    ["collab"] = CollabBenchmark.RunAsync,
    ["relay-server"] = RelayServer.RunAsync,
    ["crdt"] = CrdtBenchmark.RunAsync,
    ["crdt-fuzz"] = CrdtFuzzCommand.RunAsync,
    ["yjs-apply"] = YjsApplyCommand.RunAsync,
    ["projections"] = PeerCode.Benchmarks.Projections.ProjectionsBenchmark.RunAsync,
    ["sandbox"] = SandboxBenchmark.RunAsync,
    ["run-file"] = SandboxBenchmark.RunFileAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: PeerCode.Benchmarks <{string.Join("|", commands.Keys.Order())}> [--option value ...]");
    return 2;
}
try
{
    return await run(new CommandLine(args[1..]));
}
catch (CommandLineException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
