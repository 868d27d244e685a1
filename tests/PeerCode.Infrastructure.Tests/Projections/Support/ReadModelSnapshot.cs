using System.Globalization;
using Xunit.Sdk;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;

namespace PeerCode.Infrastructure.Tests.Projections.Support;

/// <summary>Every row of every projection table as text, sorted: two stores hold the same read models when their snapshots are equal.</summary>
public static class ReadModelSnapshot
{
    /// <summary>Fails with the first few differing rows per table (the whole snapshots are far too big for a message).</summary>
    public static void ShouldEqual(this SortedDictionary<string, List<string>> actual, SortedDictionary<string, List<string>> expected)
    {
        var problems = new List<string>();
        foreach (var table in expected.Keys.Union(actual.Keys))
        {
            var e = expected.GetValueOrDefault(table) ?? [];
            var a = actual.GetValueOrDefault(table) ?? [];
            var missing = e.Except(a).Take(3).ToList();
            var extra = a.Except(e).Take(3).ToList();
            if (missing.Count > 0 || extra.Count > 0 || a.Count != e.Count)
                problems.Add($"{table}: {a.Count} rows, expected {e.Count}\n  missing: {string.Join("\n           ", missing)}\n  extra:   {string.Join("\n           ", extra)}");
        }
        if (problems.Count > 0) throw new XunitException("Read models differ:\n" + string.Join("\n", problems));
    }

    public static async Task<SortedDictionary<string, List<string>>> TakeAsync(IReadModelStore store, IEnumerable<Projection> projections)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        await using var c = await store.OpenAsync();
        foreach (var table in projections.SelectMany(p => p.Tables))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {table}";
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                    cells[i] = reader.GetName(i) + "=" + (reader.IsDBNull(i) ? "null" : reader.GetValue(i) switch
                    {
                        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).ToString(UtcInstantHandler.SqliteFormat, CultureInfo.InvariantCulture),
                        double v => v.ToString("R", CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var v => v.ToString(),
                    });
                rows.Add(string.Join("|", cells));
            }
            rows.Sort(StringComparer.Ordinal);
            result[table] = rows;
        }
        return result;
    }
}
