using System.Reflection;
using System.Text;
using Dapper;
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
        var props = typeof(TRow).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToArray();
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
    }

    public string Table { get; }
    /// <summary>SELECT of every column, without a WHERE clause.</summary>
    public string SelectSql { get; }
    public string SelectByKeySql { get; }
    public string UpsertSql { get; }

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
        foreach (var chunk in wanted.Chunk(900))
        {
            // Numbered parameters, not Dapper's list expansion: with Npgsql, Dapper sends a list as one array parameter.
            var args = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++) args.Add("k" + i, chunk[i]);
            var inList = string.Join(", ", Enumerable.Range(0, chunk.Length).Select(i => "@k" + i));
            var found = await ctx.Connection.QueryAsync<TRow>(new CommandDefinition(
                $"{map.SelectSql} WHERE {keyColumn} IN ({inList})", args, ctx.Transaction, cancellationToken: ctx.CancellationToken));
            foreach (var row in found) _rows[keyOf(row)] = row;
            foreach (var k in chunk)
                if (!_rows.ContainsKey(k)) _absent.Add(k);
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
        await ctx.Connection.ExecuteAsync(new CommandDefinition(map.UpsertSql, _rows.Values, ctx.Transaction, cancellationToken: ctx.CancellationToken));
        _rows.Clear();
    }
}
