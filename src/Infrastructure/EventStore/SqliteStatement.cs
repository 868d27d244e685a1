using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>
/// One statement prepared once on the writer's connection and reused for every append: bind by index, step, reset.
/// The writer's hot path runs thousands of these per second, where ADO.NET's per-execution reader and
/// name-based binding would cost more than SQLite itself.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, value));

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_stmt, index, value));

    public void Bind(int index, Guid? value)
    {
        if (value is not { } id)
        {
            Check(raw.sqlite3_bind_null(_stmt, index));
            return;
        }
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        Check(raw.sqlite3_bind_blob(_stmt, index, bytes));
    }

    /// <returns>true while a row is available.</returns>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        raw.sqlite3_reset(_stmt);
        throw Error(rc);
    }

    public void Execute()
    {
        try
        {
            while (Step())
            {
            }
        }
        finally
        {
            Reset();
        }
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    public Guid Guid(int column) => new(raw.sqlite3_column_blob(_stmt, column));

    public void Reset()
    {
        raw.sqlite3_reset(_stmt);
        raw.sqlite3_clear_bindings(_stmt);
    }

    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _stmt.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw Error(rc);
    }

    private SqliteException Error(int rc) => new($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
}
