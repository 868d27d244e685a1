using System.Data.Common;
using Npgsql;

namespace PeerCode.Projections.Storage;

/// <summary>Production read models in PostgreSQL through Npgsql (pooled connections).</summary>
public sealed class PostgresReadModelStore : IReadModelStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _describe;

    public PostgresReadModelStore(string connectionString)
    {
        DapperSetup.EnsureConfigured();
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ReadModelConfigurationException("ReadModels:ConnectionString is required when ReadModels:Provider is postgres.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Projections repeat a handful of statements thousands of times: let Npgsql prepare them once per connection.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        _describe = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public ReadModelProvider Provider => ReadModelProvider.Postgres;
    public string TimestampType => "TIMESTAMPTZ";
    public string? MigrationLockSql => "SELECT pg_advisory_xact_lock(7277001)";

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default) => await _dataSource.OpenConnectionAsync(ct);

    public ValueTask<IDisposable?> EnterWriteAsync(CancellationToken ct) => ValueTask.FromResult<IDisposable?>(null); // row locks serialise writers

    public string Describe() => _describe;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
