using System.Data.Common;
using Dapper;

namespace PeerCode.Projections.Storage;

/// <summary>One schema step. <see cref="Sql"/> is portable SQL in which {ts} stands for the store's timestamp type. Ids are never reused.</summary>
public sealed record Migration(string Id, string Sql);

/// <summary>Applies pending migrations on start, each in its own transaction with its row in read_model_migrations.</summary>
public static class Migrator
{
    private const string Bootstrap = """
        CREATE TABLE IF NOT EXISTS read_model_migrations (
            id TEXT PRIMARY KEY,
            applied_at {ts} NOT NULL
        )
        """;

    public static async Task<IReadOnlyList<string>> ApplyAsync(IReadModelStore store, IEnumerable<Migration> migrations, CancellationToken ct = default)
    {
        var all = migrations.ToList();
        var duplicate = all.GroupBy(m => m.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Migration id '{duplicate.Key}' is defined twice.");

        await using var c = await store.OpenAsync(ct);
        await c.ExecuteAsync(Render(store, Bootstrap));
        var applied = new List<string>();
        foreach (var m in all)
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            if (store.MigrationLockSql is { } lockSql) await c.ExecuteAsync(lockSql, transaction: tx);
            var done = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM read_model_migrations WHERE id = @Id", new { m.Id }, tx);
            if (done > 0) { await tx.RollbackAsync(ct); continue; }
            foreach (var statement in Split(Render(store, m.Sql)))
                await c.ExecuteAsync(statement, transaction: tx);
            await c.ExecuteAsync("INSERT INTO read_model_migrations (id, applied_at) VALUES (@Id, @At)",
                new { m.Id, At = DateTimeOffset.UtcNow }, tx);
            await tx.CommitAsync(ct);
            applied.Add(m.Id);
        }
        return applied;
    }

    internal static string Render(IReadModelStore store, string sql) => sql.Replace("{ts}", store.TimestampType, StringComparison.Ordinal);

    private static IEnumerable<string> Split(string sql) =>
        sql.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0);
}
