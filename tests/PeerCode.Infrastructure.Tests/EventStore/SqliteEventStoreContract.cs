namespace PeerCode.Infrastructure.Tests.EventStore;

public sealed class SqliteEventStoreContract : EventStoreContract<SqliteStoreFactory>;
