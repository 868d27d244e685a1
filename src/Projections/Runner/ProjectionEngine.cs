using Microsoft.Extensions.Logging;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Runner;

/// <summary>One projection as shown to operators.</summary>
public sealed record ProjectionStatus(
    string Name,
    long Position,
    long HeadPosition,
    long Lag,
    long EventsProcessed,
    DateTimeOffset? LastEventAt,
    double? SecondsBehind,
    DateTimeOffset UpdatedAt,
    bool Rebuilding,
    double? RebuildProgress,
    string Runner,
    string? Error);

/// <summary>A rebuild was asked for a projection that does not exist.</summary>
public sealed class UnknownProjectionException(string name, IEnumerable<string> known)
    : Exception($"There is no projection named '{name}'. Known projections: {string.Join(", ", known)}.")
{
    public string Name { get; } = name;
}

/// <summary>
/// All projections over one event store and one read-model store: schema on start, the runners, status with lag,
/// and rebuilds. Rebuild state lives in the checkpoint rows, so a rebuild asked of one process is carried out by
/// whichever process runs the projections.
/// </summary>
public sealed class ProjectionEngine
{
    private readonly IEventStore _events;
    private readonly Dictionary<string, ProjectionRunner> _runners;

    public ProjectionEngine(IEventStore events, IReadModelStore store, IEnumerable<Projection> projections, ProjectionOptions options, ILoggerFactory loggers)
    {
        _events = events;
        Store = store;
        Projections = projections.ToList();
        var duplicate = Projections.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two projections are named '{duplicate.Key}'.");
        _runners = Projections.ToDictionary(
            p => p.Name,
            p => new ProjectionRunner(p, events, store, options, loggers.CreateLogger($"PeerCode.Projections.{p.Name}")));
    }

    public IReadModelStore Store { get; }
    public IReadOnlyList<Projection> Projections { get; }
    public bool Running { get; private set; }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await Migrator.ApplyAsync(Store, [Checkpoints.Schema, .. Projections.SelectMany(p => p.Migrations)], ct);
        await Checkpoints.EnsureAsync(Store, Projections.Select(p => p.Name), ct);
    }

    /// <summary>Runs every projection until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        Running = true;
        try
        {
            await Task.WhenAll(_runners.Values.Select(r => Task.Run(() => r.RunAsync(ct), CancellationToken.None)));
        }
        finally
        {
            Running = false;
        }
    }

    /// <summary>The position of the newest event the projection reads (-1 when there is none).</summary>
    public async Task<long> HeadAsync(Projection projection, CancellationToken ct)
    {
        await foreach (var e in _events.ReadAllAsync(StreamPosition.End, Direction.Backwards, 1, EventFilter.Types([.. projection.EventTypes]), ct))
            return e.GlobalPosition;
        return -1;
    }

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(CancellationToken ct = default)
    {
        var checkpoints = (await Checkpoints.LoadAllAsync(Store, ct)).ToDictionary(c => c.Projection);
        var result = new List<ProjectionStatus>();
        foreach (var p in Projections)
        {
            var cp = checkpoints.GetValueOrDefault(p.Name)
                     ?? throw new InvalidOperationException($"Projection '{p.Name}' has no checkpoint row; migrations were not applied.");
            var head = await HeadAsync(p, ct);
            var lag = Math.Max(0, head - cp.Position);
            var rebuilding = cp.RebuildTarget is { } target && cp.Position < target;
            double? progress = cp.RebuildTarget is { } t && t > 0 ? Math.Min(1.0, Math.Max(0, cp.Position) / (double)t) : null;
            var runner = _runners[p.Name];
            var state = Running ? runner.State.ToString() : "not running in this process";
            double? behind = lag > 0 && cp.LastEventAt is { } last ? Math.Max(0, (DateTimeOffset.UtcNow - last).TotalSeconds) : lag == 0 ? 0 : null;
            result.Add(new ProjectionStatus(p.Name, cp.Position, head, lag, cp.EventsProcessed, cp.LastEventAt, behind, cp.UpdatedAt,
                rebuilding, progress, state, runner.LastError));
        }
        return result;
    }

    /// <summary>
    /// Drops the named projections' rows and replays them from the first event while live appends continue:
    /// the runner is sent back to position -1 (its rows emptied in the same transaction) and catches up to live again.
    /// </summary>
    public async Task<IReadOnlyList<string>> RebuildAsync(IReadOnlyCollection<string>? names, CancellationToken ct = default)
    {
        var chosen = names is null || names.Count == 0
            ? Projections
            : names.Select(n => Projections.FirstOrDefault(p => p.Name == n) ?? throw new UnknownProjectionException(n, Projections.Select(p => p.Name))).ToList();
        foreach (var p in chosen)
        {
            var head = await HeadAsync(p, ct);
            await Checkpoints.ResetAsync(Store, p, head, ct);
            _runners[p.Name].Restart();
        }
        return chosen.Select(p => p.Name).ToList();
    }

    /// <summary>Waits until every projection has reached the newest event it reads (for the rebuild CLI and tests).</summary>
    public async Task WaitUntilCaughtUpAsync(TimeSpan poll, Action<IReadOnlyList<ProjectionStatus>>? progress, CancellationToken ct)
    {
        while (true)
        {
            var status = await StatusAsync(ct);
            progress?.Invoke(status);
            if (status.All(s => s.Lag == 0)) return;
            await Task.Delay(poll, ct);
        }
    }
}
