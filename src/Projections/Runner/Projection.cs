using System.Data.Common;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Runner;

/// <summary>
/// A read model and the function that builds it from events. <see cref="ApplyAsync"/> gets a batch in global order
/// and writes inside the runner's transaction, which also moves the checkpoint: the batch counts exactly once.
/// </summary>
public abstract class Projection
{
    /// <summary>Stable name; the checkpoint row's key.</summary>
    public abstract string Name { get; }

    /// <summary>The wire names this projection reads; the subscription is filtered to them.</summary>
    public abstract IReadOnlyList<string> EventTypes { get; }

    /// <summary>Tables the projection owns, emptied by a rebuild (children before parents).</summary>
    public abstract IReadOnlyList<string> Tables { get; }

    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>
    /// How long, at least, a live runner lets this projection's events gather before writing them (the runner's
    /// <see cref="ProjectionOptions.LiveBatchDelay"/> applies when that is longer). Aggregates fed by every keystroke
    /// ask for more: they rewrite one row per participant or per day per batch, whatever the batch holds.
    /// </summary>
    public virtual TimeSpan MinimumLiveBatchDelay => TimeSpan.Zero;

    public abstract Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context);
}

/// <summary>The open transaction a batch is written in.</summary>
public sealed record ProjectionContext(DbConnection Connection, DbTransaction Transaction, IReadModelStore Store, CancellationToken CancellationToken);
