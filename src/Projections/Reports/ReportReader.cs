using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using PeerCode.Projections.Storage;

namespace PeerCode.Projections.Reports;

/// <summary>A page of report rows: each row maps column name to value (instants as ISO-8601 UTC text on both stores).</summary>
public sealed record ReportPage(string Report, int Page, int PageSize, long Total, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);

/// <summary>Runs the catalogue's reports against the read-model store with Dapper: filters as parameters, portable LIMIT/OFFSET paging.</summary>
public sealed class ReportReader(IReadModelStore store)
{
    public const int MaxPageSize = 1000;

    public async Task<ReportPage> PageAsync(string reportName, IReadOnlyDictionary<string, string> filters, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1) throw new ReportQueryException($"page must be 1 or more; got {page}.");
        if (pageSize is < 1 or > MaxPageSize) throw new ReportQueryException($"pageSize must be between 1 and {MaxPageSize}; got {pageSize}.");
        var report = ReportCatalog.Find(reportName);
        var (where, args) = Where(report, filters);
        await using var c = await store.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {report.Table}{where}", args, cancellationToken: ct));
        args.Add("take", pageSize);
        args.Add("skip", (long)(page - 1) * pageSize);
        await using var reader = await c.ExecuteReaderAsync(new CommandDefinition(
            $"SELECT * FROM {report.Table}{where} ORDER BY {report.OrderBy} LIMIT @take OFFSET @skip", args, cancellationToken: ct));
        var columns = Columns(reader);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync(ct)) rows.Add(Row(reader, columns));
        return new ReportPage(report.Name, page, pageSize, total, columns, rows);
    }

    /// <summary>Every matching row, streamed (CSV export): the header first, then one array of values per row.</summary>
    public async IAsyncEnumerable<object?[]> ExportAsync(string reportName, IReadOnlyDictionary<string, string> filters, [EnumeratorCancellation] CancellationToken ct)
    {
        var report = ReportCatalog.Find(reportName);
        var (where, args) = Where(report, filters);
        await using var c = await store.OpenAsync(ct);
        await using var reader = await c.ExecuteReaderAsync(new CommandDefinition(
            $"SELECT * FROM {report.Table}{where} ORDER BY {report.OrderBy}", args, cancellationToken: ct));
        var columns = Columns(reader);
        yield return columns.Cast<object?>().ToArray();
        while (await reader.ReadAsync(ct))
        {
            var values = new object?[columns.Count];
            for (var i = 0; i < values.Length; i++) values[i] = Value(reader, i);
            yield return values;
        }
    }

    private static (string Where, DynamicParameters Args) Where(Report report, IReadOnlyDictionary<string, string> filters)
    {
        var args = new DynamicParameters();
        var conditions = new List<string>();
        var n = 0;
        foreach (var (name, raw) in filters)
        {
            var filter = report.Filters.FirstOrDefault(f => f.Name == name)
                         ?? throw new ReportQueryException($"Report '{report.Name}' has no filter '{name}'. Filters: {string.Join(", ", report.Filters.Select(f => f.Name))}.");
            var p = $"f{n++}";
            conditions.Add("(" + filter.Sql.Replace("@value", "@" + p, StringComparison.Ordinal) + ")");
            args.Add(p, ReportCatalog.Parse(filter, raw));
        }
        return (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions), args);
    }

    private static List<string> Columns(DbDataReader reader) => Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();

    private static Dictionary<string, object?> Row(DbDataReader reader, List<string> columns)
    {
        var row = new Dictionary<string, object?>(columns.Count);
        for (var i = 0; i < columns.Count; i++) row[columns[i]] = Value(reader, i);
        return row;
    }

    private static object? Value(DbDataReader reader, int i) => reader.IsDBNull(i)
        ? null
        : reader.GetValue(i) switch
        {
            DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).ToString(UtcInstantHandler.SqliteFormat, CultureInfo.InvariantCulture),
            DateTimeOffset o => UtcInstantHandler.ToSqliteText(o),
            int v => (long)v,
            var v => v,
        };
}
