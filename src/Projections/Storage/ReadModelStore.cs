using System.Data.Common;
using Dapper;

namespace PeerCode.Projections.Storage;

public enum ReadModelProvider { Sqlite, Postgres }

/// <summary>
/// Where read models live. Two adapters: SQLite (embedded default) and PostgreSQL (production).
/// Projections and queries write portable SQL; the only dialect differences are the ones exposed here.
/// </summary>
public interface IReadModelStore
{
    ReadModelProvider Provider { get; }

    /// <summary>An open connection with the store's session settings applied.</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>Column type of a UTC instant: TEXT holding ISO-8601 in SQLite, TIMESTAMPTZ in PostgreSQL.</summary>
    string TimestampType { get; }

    /// <summary>Serialises concurrent migrators (two nodes starting at once) inside the migration transaction; null when the store's write lock already does.</summary>
    string? MigrationLockSql { get; }

    /// <summary>
    /// Held around every write transaction. SQLite has one writer at a time per file: queueing the process's writers here
    /// hands the lock over at once instead of leaving them in SQLite's sleeping busy handler. PostgreSQL needs nothing.
    /// </summary>
    ValueTask<IDisposable?> EnterWriteAsync(CancellationToken ct);

    /// <summary>A short description without secrets, for status pages and logs.</summary>
    string Describe();
}

/// <summary>Bad read-model configuration (unknown provider, missing connection string).</summary>
public sealed class ReadModelConfigurationException(string message) : Exception(message);

internal static class DapperSetup
{
    private static int _done;

    /// <summary>Snake_case columns map onto PascalCase properties; instants go through <see cref="UtcInstantHandler"/>.</summary>
    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcInstantHandler());
    }
}
