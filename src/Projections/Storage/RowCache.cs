using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using PeerCode.Projections.Runner;

namespace PeerCode.Projections.Storage;

/// <summary>
/// The SQL of one read-model table derived from its row class: columns are the snake_case names of the properties.
/// Upserts use INSERT ... ON CONFLICT ... DO UPDATE, which SQLite and PostgreSQL both accept.
/// </summary>
internal sealed class TableMap<TRow>
{
    public TableMap(string table, params string[] keyProperties)
    {
        var properties = typeof(TRow).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var props = properties.Select(p => p.Name).ToArray();
        foreach (var k in keyProperties)
            if (!props.Contains(k)) throw new ArgumentException($"{typeof(TRow).Name} has no key property {k}.");
        Table = table;
        var columns = string.Join(", ", props.Select(Snake));
        SelectSql = $"SELECT {columns} FROM {table}";
        SelectByKeySql = $"SELECT {columns} FROM {table} WHERE {string.Join(" AND ", keyProperties.Select(k => $"{Snake(k)} = @{k}"))}";
        var nonKeys = props.Except(keyProperties).ToArray();
        var update = nonKeys.Length == 0
            ? "DO NOTHING"
            : "DO UPDATE SET " + string.Join(", ", nonKeys.Select(p => $"{Snake(p)} = excluded.{Snake(p)}"));
        UpsertSql = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", props.Select(p => "@" + p))}) " +
                    $"ON CONFLICT ({string.Join(", ", keyProperties.Select(Snake))}) {update}";
        // The same properties, in the same order, as the upsert's @parameters.
        _binders = properties.Select(Binder).ToArray();
    }

    private readonly (string Name, Action<TRow, DbParameter, bool> Set)[] _binders;

    public string Table { get; }
    /// <summary>SELECT of every column, without a WHERE clause.</summary>
    public string SelectSql { get; }
    public string SelectByKeySql { get; }
    public string UpsertSql { get; }

    /// <summary>
    /// Upserts <paramref name="rows"/> with one command whose parameters are created once and re-bound per row. Dapper's
    /// multi-row execute made a new parameter per column per row (and Microsoft.Data.Sqlite then looked each one up by
    /// name twice, the second time with the '@' prefix added): about 500 bytes of garbage per value, the largest single
    /// source of allocation under the collab load. Values are written as Dapper writes them, <see cref="UtcInstantHandler"/> included.
    /// </summary>
    public async Task UpsertAsync(IEnumerable<TRow> rows, DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = UpsertSql;
        command.Transaction = transaction;
        var sqlite = command is SqliteCommand;
        var parameters = new DbParameter[_binders.Length];
        for (var i = 0; i < _binders.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@" + _binders[i].Name;
            command.Parameters.Add(parameters[i]);
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < _binders.Length; i++) _binders[i].Set(row, parameters[i], sqlite);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>How one property's value goes into its parameter (the property types the read models use).</summary>
    private static (string, Action<TRow, DbParameter, bool>) Binder(PropertyInfo property) => (property.Name, property.PropertyType switch
    {
        var t when t == typeof(string) => Bind<string?>(property, (p, v, _) => Put(p, DbType.String, v)),
        var t when t == typeof(long) => Bind<long>(property, (p, v, _) => Put(p, DbType.Int64, v)),
        var t when t == typeof(long?) => Bind<long?>(property, (p, v, _) => Put(p, DbType.Int64, v)),
        var t when t == typeof(double) => Bind<double>(property, (p, v, _) => Put(p, DbType.Double, v)),
        var t when t == typeof(double?) => Bind<double?>(property, (p, v, _) => Put(p, DbType.Double, v)),
        var t when t == typeof(DateTimeOffset) => Bind<DateTimeOffset>(property, (p, v, sqlite) => PutInstant(p, v, sqlite)),
        var t when t == typeof(DateTimeOffset?) => Bind<DateTimeOffset?>(property, PutInstant),
        var t => throw new NotSupportedException(
            $"{typeof(TRow).Name}.{property.Name}: read-model rows hold string, long, double and DateTimeOffset (nullable or not), not {t.Name}."),
    });

    private static Action<TRow, DbParameter, bool> Bind<T>(PropertyInfo property, Action<DbParameter, T, bool> put)
    {
        var get = property.GetMethod!.CreateDelegate<Func<TRow, T>>();
        return (row, parameter, sqlite) => put(parameter, get(row), sqlite);
    }

    private static void Put(DbParameter parameter, DbType type, object? value)
    {
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
    }

    private static readonly UtcInstantHandler Instants = new();

    /// <summary>An instant as Dapper writes it through <see cref="UtcInstantHandler"/> (a null as DBNull).</summary>
    private static void PutInstant(DbParameter parameter, DateTimeOffset? value, bool sqlite)
    {
        if (value is { } v) Instants.SetValue(parameter, v);
        else Put(parameter, sqlite ? DbType.String : DbType.DateTime, null);
    }

    public static string Snake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var ch = pascal[i];
            if (char.IsUpper(ch))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(ch));
            }
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}

/// <summary>
/// Rows touched by one batch: loaded once, changed in memory, written back once per batch. This is what makes
/// a batch of thousands of edits cost a handful of statements.
/// </summary>
internal sealed class RowCache<TKey, TRow>(TableMap<TRow> map, Func<TKey, TRow> create)
    where TKey : notnull where TRow : class
{
    private readonly Dictionary<TKey, TRow> _rows = new();
    private readonly HashSet<TKey> _absent = new();

    /// <summary>
    /// Loads the stored rows of many single-column keys with one query (<paramref name="keyColumn"/> IN ...), and remembers
    /// which keys have no row, so the per-key probes of <see cref="FindAsync"/> are skipped for them.
    /// </summary>
    public async Task PreloadAsync(IEnumerable<TKey> keys, string keyColumn, Func<TRow, TKey> keyOf, ProjectionContext ctx)
    {
        var wanted = keys.Where(k => !_rows.ContainsKey(k) && !_absent.Contains(k)).Distinct().ToList();
        await LoadWhereInAsync(wanted, keyColumn, keyOf, ctx);
        foreach (var k in wanted)
            if (!_rows.ContainsKey(k)) _absent.Add(k);
    }

    /// <summary>
    /// Loads every stored row whose <paramref name="column"/> is one of <paramref name="values"/>, for keys of several
    /// columns (all participants of the batch's rooms, say): one query instead of a <see cref="FindAsync"/> probe per key.
    /// Rows that do not exist yet are still probed for.
    /// </summary>
    public Task PreloadWhereAsync<TValue>(IEnumerable<TValue> values, string column, Func<TRow, TKey> keyOf, ProjectionContext ctx) =>
        LoadWhereInAsync(values.Distinct().ToList(), column, keyOf, ctx);

    private async Task LoadWhereInAsync<TValue>(List<TValue> values, string column, Func<TRow, TKey> keyOf, ProjectionContext ctx)
    {
        foreach (var chunk in values.Chunk(900))
        {
            // Numbered parameters, not Dapper's list expansion: with Npgsql, Dapper sends a list as one array parameter.
            var args = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++) args.Add("k" + i, chunk[i]);
            var inList = string.Join(", ", Enumerable.Range(0, chunk.Length).Select(i => "@k" + i));
            var found = await ctx.Connection.QueryAsync<TRow>(new CommandDefinition(
                $"{map.SelectSql} WHERE {column} IN ({inList})", args, ctx.Transaction, cancellationToken: ctx.CancellationToken));
            foreach (var row in found) _rows.TryAdd(keyOf(row), row);
        }
    }

    /// <summary>The row for <paramref name="key"/>: cached, else loaded, else a new one from the factory.</summary>
    public async Task<TRow> GetAsync(TKey key, ProjectionContext ctx) =>
        await FindAsync(key, ctx) ?? Add(key, create(key));

    /// <summary>The existing row, or null when none is stored or cached.</summary>
    public async Task<TRow?> FindAsync(TKey key, ProjectionContext ctx)
    {
        if (_rows.TryGetValue(key, out var row)) return row;
        if (_absent.Contains(key)) return null;
        var probe = create(key);
        var loaded = await ctx.Connection.QuerySingleOrDefaultAsync<TRow>(
            new CommandDefinition(map.SelectByKeySql, probe, ctx.Transaction, cancellationToken: ctx.CancellationToken));
        return loaded is null ? null : Add(key, loaded);
    }

    public TRow Add(TKey key, TRow row)
    {
        _absent.Remove(key);
        _rows[key] = row;
        return row;
    }

    public IEnumerable<TRow> Cached => _rows.Values;

    public async Task FlushAsync(ProjectionContext ctx)
    {
        if (_rows.Count == 0) return;
        await map.UpsertAsync(_rows.Values, ctx.Connection, ctx.Transaction, ctx.CancellationToken);
        _rows.Clear();
    }
}
