using Dapper;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Support;

/// <summary>
/// Given events, then rows: events go through the runner's real commit path (rows and checkpoint in one transaction)
/// in small batches, so state carried from one batch to the next through the database is exercised too.
/// Subclassed once per store.
/// </summary>
public abstract class ProjectionTestBase : IAsyncLifetime
{
    protected abstract ReadModelProvider Provider { get; }
    protected abstract Projection CreateProjection();

    protected IReadModelStore Store { get; private set; } = null!;
    protected Projection Projection { get; private set; } = null!;
    protected History History { get; } = new();

    public async Task InitializeAsync()
    {
        Store = ReadModelStores.Create(Provider);
        Projection = CreateProjection();
        await Migrator.ApplyAsync(Store, [Checkpoints.Schema, .. Projection.Migrations]);
        await Checkpoints.EnsureAsync(Store, [Projection.Name], CancellationToken.None);
    }

    public Task DisposeAsync() => Store is IAsyncDisposable d ? d.DisposeAsync().AsTask() : Task.CompletedTask;

    /// <summary>Projects every event not yet projected, in batches of <paramref name="batchSize"/>, skipping types the projection does not subscribe to (as the filtered subscription would).</summary>
    protected async Task ProjectAsync(int batchSize = 3)
    {
        var checkpoint = await Checkpoints.LoadAsync(Store, Projection.Name, CancellationToken.None);
        var pending = History.Events.Where(e => e.GlobalPosition > checkpoint.Position && Projection.EventTypes.Contains(e.Type)).ToList();
        foreach (var chunk in pending.Chunk(batchSize))
            checkpoint = await Checkpoints.CommitBatchAsync(Store, Projection, checkpoint, chunk, CancellationToken.None);
    }

    protected async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await Store.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }
}
