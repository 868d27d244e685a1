using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PeerCode.Infrastructure.Tests.EventStore;

/// <summary>
/// A fact in a suite shared by several adapters (the port contract) that some adapters can only run against an
/// external server. The concrete test class may declare <c>public static string? SkipReason</c>; when that is not
/// null every such test of the class reports skipped with that reason (xunit 2 has no runtime skip, so the decision
/// is made at discovery, per concrete class).
/// </summary>
[XunitTestCaseDiscoverer("PeerCode.Infrastructure.Tests.EventStore.AdapterFactDiscoverer", "PeerCode.Infrastructure.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class AdapterFactAttribute : FactAttribute;

/// <summary>The theory form of <see cref="AdapterFactAttribute"/>: a skipped class reports the theory skipped once.</summary>
[XunitTestCaseDiscoverer("PeerCode.Infrastructure.Tests.EventStore.AdapterTheoryDiscoverer", "PeerCode.Infrastructure.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class AdapterTheoryAttribute : TheoryAttribute;

internal static class AdapterSkip
{
    public static string? ReasonFor(ITestMethod method) =>
        method.TestClass.Class.ToRuntimeType()
            ?.GetProperty("SkipReason", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy)
            ?.GetValue(null) as string;

    public static IXunitTestCase Skipped(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod method, string reason) =>
        new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method, reason);
}

public sealed class AdapterFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    private readonly IMessageSink _sink = sink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo attribute) =>
        AdapterSkip.ReasonFor(method) is { } reason
            ? [AdapterSkip.Skipped(_sink, options, method, reason)]
            : base.Discover(options, method, attribute);
}

public sealed class AdapterTheoryDiscoverer(IMessageSink sink) : TheoryDiscoverer(sink)
{
    private readonly IMessageSink _sink = sink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo attribute) =>
        AdapterSkip.ReasonFor(method) is { } reason
            ? [AdapterSkip.Skipped(_sink, options, method, reason)]
            : base.Discover(options, method, attribute);
}
