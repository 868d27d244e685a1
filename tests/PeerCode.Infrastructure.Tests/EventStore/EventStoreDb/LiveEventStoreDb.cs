using Xunit;

namespace PeerCode.Infrastructure.Tests.EventStore.EventStoreDb;

/// <summary>
/// The real EventStoreDB named by PEERCODE_TEST_ESDB (e.g. <c>esdb://127.0.0.1:2113?tls=false</c>). Tests that need it
/// use <see cref="LiveEventStoreDbFactAttribute"/> and report skipped, with this reason, when it is not set.
/// </summary>
public static class LiveEventStoreDb
{
    public const string Variable = "PEERCODE_TEST_ESDB";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ConnectionString is null
        ? $"{Variable} is not set; set it to a server such as esdb://127.0.0.1:2113?tls=false to run the EventStoreDB tests against a real server."
        : null;
}

/// <summary>A fact that runs only against a real EventStoreDB (see <see cref="LiveEventStoreDb"/>).</summary>
public sealed class LiveEventStoreDbFactAttribute : FactAttribute
{
    public LiveEventStoreDbFactAttribute()
    {
        if (LiveEventStoreDb.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that runs only against a real EventStoreDB (see <see cref="LiveEventStoreDb"/>).</summary>
public sealed class LiveEventStoreDbTheoryAttribute : TheoryAttribute
{
    public LiveEventStoreDbTheoryAttribute()
    {
        if (LiveEventStoreDb.SkipReason is { } reason) Skip = reason;
    }
}
