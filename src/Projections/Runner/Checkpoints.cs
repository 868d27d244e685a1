using System.Data.Common;
using Dapper;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Runner;

/// <summary>
/// A projection's place in the global event order, kept in the read-model database next to its rows.
/// <see cref="Position"/> is -1 before the first event. <see cref="Generation"/> goes up on every rebuild, so a runner
/// still writing the previous generation's batch finds its checkpoint moved and starts over.
/// </summary>
public sealed record Checkpoint(
    string Projection, long Position, long Generation, long EventsProcessed, DateTimeOffset? LastEventAt, DateTimeOffset UpdatedAt,
    long? RebuildTarget, DateTimeOffset? RebuildStartedAt)
{
    public long? AfterPosition => Position < 0 ? null : Position;
}

/// <summary>Another writer (a rebuild, or a second runner in another process) moved the checkpoint; this runner's batch was rolled back.</summary>
public sealed class CheckpointMovedException(string projection)
    : Exception($"The checkpoint of projection '{projection}' was moved by another writer; the batch was rolled back and the runner restarts from the stored checkpoint.");

internal static class Checkpoints
{
    public static readonly Migration Schema = new("0000-projection-checkpoints", """
        CREATE TABLE IF NOT EXISTS projection_checkpoints (
            projection TEXT PRIMARY KEY,
            position BIGINT NOT NULL,
            generation BIGINT NOT NULL,
            events_processed BIGINT NOT NULL,
            last_event_at {ts} NULL,
            updated_at {ts} NOT NULL,
            rebuild_target BIGINT NULL,
            rebuild_started_at {ts} NULL
        )
        """);

    private const string Columns = "projection, position, generation, events_processed, last_event_at, updated_at, rebuild_target, rebuild_started_at";

    public static async Task EnsureAsync(IReadModelStore store, IEnumerable<string> projections, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        foreach (var name in projections)
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO projection_checkpoints (projection, position, generation, events_processed, updated_at) VALUES (@name, -1, 0, 0, @now) ON CONFLICT (projection) DO NOTHING",
                new { name, now = DateTimeOffset.UtcNow }, cancellationToken: ct));
    }

    public static async Task<Checkpoint> LoadAsync(IReadModelStore store, string projection, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        return await LoadAsync(c, null, projection, ct)
               ?? throw new InvalidOperationException($"Projection '{projection}' has no checkpoint row; migrations were not applied.");
    }

    public static async Task<Checkpoint?> LoadAsync(DbConnection c, DbTransaction? tx, string projection, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<Checkpoint>(new CommandDefinition(
            $"SELECT {Columns} FROM projection_checkpoints WHERE projection = @projection", new { projection }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Checkpoint>> LoadAllAsync(IReadModelStore store, CancellationToken ct)
    {
        await using var c = await store.OpenAsync(ct);
        return (await c.QueryAsync<Checkpoint>(new CommandDefinition($"SELECT {Columns} FROM projection_checkpoints ORDER BY projection", cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Writes one batch and moves the checkpoint in a single transaction. The checkpoint row is updated first, guarded by
    /// the position and generation this runner read, so concurrent writers serialise on it and the loser rolls back.
    /// </summary>
    public static async Task<Checkpoint> CommitBatchAsync(
        IReadModelStore store, Projection projection, Checkpoint checkpoint, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        var fresh = batch[0].GlobalPosition > checkpoint.Position ? batch : batch.Where(e => e.GlobalPosition > checkpoint.Position).ToList();
        if (fresh.Count == 0) return checkpoint;
        var last = fresh[^1];
        var now = DateTimeOffset.UtcNow;

        using var writing = await store.EnterWriteAsync(ct);
        await using var c = await store.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE projection_checkpoints
            SET position = @position, events_processed = events_processed + @count, last_event_at = @lastAt, updated_at = @now
            WHERE projection = @name AND position = @old AND generation = @generation
            """,
            new { position = last.GlobalPosition, count = (long)fresh.Count, lastAt = last.RecordedAt, now, name = projection.Name, old = checkpoint.Position, generation = checkpoint.Generation },
            tx, cancellationToken: ct));
        if (moved != 1) throw new CheckpointMovedException(projection.Name);
        await projection.ApplyAsync(fresh, new ProjectionContext(c, tx, store, ct));
        await tx.CommitAsync(ct);
        return checkpoint with { Position = last.GlobalPosition, EventsProcessed = checkpoint.EventsProcessed + fresh.Count, LastEventAt = last.RecordedAt, UpdatedAt = now };
    }

    /// <summary>Empties the projection's tables and sends its checkpoint back to the start, in one transaction.</summary>
    public static async Task ResetAsync(IReadModelStore store, Projection projection, long? rebuildTarget, CancellationToken ct)
    {
        using var writing = await store.EnterWriteAsync(ct);
        await using var c = await store.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // The checkpoint first: in PostgreSQL this row lock makes a concurrent batch wait, then fail its guarded update.
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE projection_checkpoints
            SET position = -1, generation = generation + 1, events_processed = 0, last_event_at = NULL, updated_at = @now,
                rebuild_target = @rebuildTarget, rebuild_started_at = @now
            WHERE projection = @name
            """,
            new { now = DateTimeOffset.UtcNow, rebuildTarget, name = projection.Name }, tx, cancellationToken: ct));
        foreach (var table in projection.Tables)
            await c.ExecuteAsync(new CommandDefinition($"DELETE FROM {table}", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }
}
