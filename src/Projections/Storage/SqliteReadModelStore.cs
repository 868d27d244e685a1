using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace PeerCode.Projections.Storage;

/// <summary>The embedded default: one SQLite file (separate from the events file), WAL, NORMAL sync (a crash can lose the last commits but never tears one; the checkpoint rolls back with them).</summary>
public sealed class SqliteReadModelStore : IReadModelStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _walSet;

    public SqliteReadModelStore(string connectionString)
    {
        DapperSetup.EnsureConfigured();
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (string.IsNullOrWhiteSpace(builder.DataSource))
            throw new ReadModelConfigurationException("The SQLite read-model connection string has no Data Source.");
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (dir is not null) Directory.CreateDirectory(dir);
        _connectionString = builder.ToString();
        FilePath = Path.GetFullPath(builder.DataSource);
    }

    public static SqliteReadModelStore InDirectory(string dataDirectory) =>
        new($"Data Source={Path.Combine(dataDirectory, "readmodels.db")}");

    public string FilePath { get; }
    public ReadModelProvider Provider => ReadModelProvider.Sqlite;
    public string TimestampType => "TEXT";
    public string? MigrationLockSql => null; // BEGIN IMMEDIATE already takes the write lock

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = Interlocked.Exchange(ref _walSet, 1) == 0
            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        await cmd.ExecuteNonQueryAsync(ct);
        return c;
    }

    public async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Release(_writer);
    }

    public string Describe() => $"sqlite:{FilePath}";

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }
}
