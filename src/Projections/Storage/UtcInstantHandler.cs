using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PeerCode.Projections.Storage;

/// <summary>
/// Writes instants as ISO-8601 UTC text with milliseconds in SQLite (sortable, and understood by SQLite's date functions)
/// and as timestamptz in PostgreSQL; reads either back as a UTC <see cref="DateTimeOffset"/>.
/// </summary>
internal sealed class UtcInstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string SqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToSqliteText(DateTimeOffset value) => value.UtcDateTime.ToString(SqliteFormat, CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        if (parameter is SqliteParameter)
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToSqliteText(value);
        }
        else
        {
            parameter.DbType = DbType.DateTime;
            parameter.Value = value.UtcDateTime;
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o.ToUniversalTime(),
        _ => throw new InvalidCastException($"Cannot read an instant from a {value.GetType().Name}."),
    };
}
