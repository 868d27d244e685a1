using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PeerCode.Infrastructure.EventStore;
using PeerCode.Projections.Hosting;
using PeerCode.Projections.Runner;

namespace PeerCode.Projections;

/// <summary>
/// Projections as their own process, and the operator commands:
///   run                                 run every projection until stopped (set Projections:Mode=external on the web nodes)
///   rebuild --all | --projection NAME   drop and replay, printing progress, then exit
///   status                              one JSON line per projection
/// Configuration comes from appsettings.json, PEERCODE-style environment variables and --Key=value arguments.
/// </summary>
public static class ProjectionsProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("run" or "rebuild" or "status"))
        {
            await Console.Error.WriteLineAsync("usage: PeerCode.Projections run | rebuild (--all | --projection NAME ...) | status [--Key=value ...]");
            return 2;
        }
        var command = args[0];
        var names = new List<string>();
        var all = false;
        var configArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--all") all = true;
            else if (args[i] == "--projection" && i + 1 < args.Length) names.Add(args[++i]);
            else configArgs.Add(args[i]);
        }
        if (command == "rebuild" && !all && names.Count == 0)
        {
            await Console.Error.WriteLineAsync("rebuild needs --all or at least one --projection NAME");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(configArgs.ToArray());
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole();
        builder.Services.AddPeerCodeEventStore(builder.Configuration);
        builder.Services.AddPeerCodeProjections(builder.Configuration, command == "run" ? ProjectionsMode.InProcess : ProjectionsMode.Off);
        using var host = builder.Build();

        if (command == "run")
        {
            await host.RunAsync();
            return 0;
        }

        var engine = host.Services.GetRequiredService<ProjectionEngine>();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        await engine.MigrateAsync(cts.Token);
        if (command == "status")
        {
            foreach (var s in await engine.StatusAsync(cts.Token)) Console.WriteLine(JsonSerializer.Serialize(s, JsonSerializerOptions.Web));
            return 0;
        }

        try
        {
            var rebuilt = await engine.RebuildAsync(all ? null : names, cts.Token);
            Console.Error.WriteLine($"rebuilding {string.Join(", ", rebuilt)}");
        }
        catch (UnknownProjectionException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        var run = engine.RunAsync(cts.Token);
        await engine.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(1),
            status => Console.Error.WriteLine(string.Join("  ", status.Select(s => $"{s.Name} {s.Position + 1}/{s.HeadPosition + 1}"))),
            cts.Token);
        await cts.CancelAsync();
        await run;
        foreach (var s in await engine.StatusAsync(CancellationToken.None)) Console.WriteLine(JsonSerializer.Serialize(s, JsonSerializerOptions.Web));
        return 0;
    }
}
