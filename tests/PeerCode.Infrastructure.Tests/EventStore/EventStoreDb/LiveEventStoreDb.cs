namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// The real EventStoreDB named by PEERCODE_TEST_ESDB (e.g. <c>esdb://127.0.0.1:2113?tls=false</c>). Tests that need it
/// use <see cref="AdapterFactAttribute"/> with <c>SkipReason => LiveEventStoreDb.SkipReason</c> and report skipped, with this reason, when it is not set.
/// </summary>
public static class LiveEventStoreDb
{
    public const string Variable = "PEERCODE_TEST_ESDB";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ConnectionString is null
        ? $"{Variable} is not set; set it to a server such as esdb://127.0.0.1:2113?tls=false to run the EventStoreDB tests against a real server."
        : null;
}
