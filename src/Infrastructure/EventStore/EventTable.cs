using Microsoft.Data.Sqlite;
using PeerCode.Application.EventStore;

namespace PeerCode.Infrastructure.EventStore;

/// <summary>The one table of the embedded store: its schema, its column list and how a row becomes a <see cref="RecordedEvent"/>.</summary>
internal static class EventTable
{
    public const int SchemaVersion = 1;

    // position is the rowid: assigned as max+1 under SQLite's single write lock, so a reader that sees
    // position N has also seen every committed position below N (no late-committing gaps).
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS events (
            position       INTEGER PRIMARY KEY,
            stream         TEXT    NOT NULL,
            revision       INTEGER NOT NULL,
            event_id       BLOB    NOT NULL,
            type           TEXT    NOT NULL,
            data           BLOB    NOT NULL,
            correlation_id BLOB,
            causation_id   BLOB,
            user_id        TEXT,
            client_time    INTEGER,
            client_offset  INTEGER,
            node_id        TEXT,
            recorded_at    INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events(stream, revision);
        CREATE INDEX IF NOT EXISTS events_by_id ON events(event_id);
        """;

    public const string Columns =
        "position, stream, revision, event_id, type, data, correlation_id, causation_id, user_id, client_time, client_offset, node_id, recorded_at";

    /// <summary>The highest position in the file (0 when empty).</summary>
    public const string HeadQuery = "SELECT coalesce(max(position), 0) FROM events";

    public static RecordedEvent Read(SqliteDataReader r) => new(
        EventId: r.GetGuid(3),
        Stream: r.GetString(1),
        Revision: r.GetInt64(2),
        GlobalPosition: r.GetInt64(0),
        Type: r.GetString(4),
        Data: r.GetFieldValue<byte[]>(5),
        Metadata: ReadMetadata(r),
        RecordedAt: new DateTimeOffset(r.GetInt64(12), TimeSpan.Zero));

    private static EventMetadata ReadMetadata(SqliteDataReader r)
    {
        if (r.IsDBNull(6) && r.IsDBNull(7) && r.IsDBNull(8) && r.IsDBNull(9) && r.IsDBNull(11))
            return EventMetadata.Empty;
        return new EventMetadata(
            CorrelationId: r.IsDBNull(6) ? null : r.GetGuid(6),
            CausationId: r.IsDBNull(7) ? null : r.GetGuid(7),
            UserId: r.IsDBNull(8) ? null : r.GetString(8),
            ClientTime: r.IsDBNull(9)
                ? null
                : new DateTimeOffset(r.GetInt64(9), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(r.GetInt64(10))),
            NodeId: r.IsDBNull(11) ? null : r.GetString(11));
    }

    /// <summary>Returns the " AND (...)" SQL for the filter (empty without one) and binds its parameters on <paramref name="command"/>.</summary>
    public static string FilterClause(EventFilter? filter, SqliteCommand command)
    {
        if (filter is null) return "";
        var clause = "";
        if (filter.StreamPrefixes is { Count: > 0 } prefixes)
        {
            var parts = new string[prefixes.Count];
            for (var i = 0; i < prefixes.Count; i++)
            {
                parts[i] = $"substr(stream, 1, length($p{i})) = $p{i}";
                command.Parameters.AddWithValue($"$p{i}", prefixes[i] ?? "");
            }
            clause += $" AND ({string.Join(" OR ", parts)})";
        }
        if (filter.EventTypes is { Count: > 0 } types)
        {
            var names = new string[types.Count];
            for (var i = 0; i < types.Count; i++)
            {
                names[i] = $"$t{i}";
                command.Parameters.AddWithValue($"$t{i}", types[i] ?? "");
            }
            clause += $" AND type IN ({string.Join(", ", names)})";
        }
        return clause;
    }
}
