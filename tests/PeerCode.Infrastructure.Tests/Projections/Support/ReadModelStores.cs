using PeerCode.Benchmarks.Projections;
using PeerCode.Projections.Storage;

namespace PeerCode.Infrastructure.Tests.Projections.Support;

/// <summary>The two read-model stores every projection test runs against: a fresh SQLite file, or a fresh PostgreSQL schema.</summary>
public static class ReadModelStores
{
    public static IReadModelStore Create(ReadModelProvider provider) => provider switch
    {
        ReadModelProvider.Sqlite => SqliteReadModelStore.InDirectory(Path.Combine(Path.GetTempPath(), "peercode-rm-" + Guid.NewGuid().ToString("N"))),
        ReadModelProvider.Postgres => new PostgresReadModelStore(PostgresCluster.Instance.NewSchema()),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}
