using Xunit;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Crdt;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>Runs the yjs fuzz harness once for all seeds; each seed is its own test case.</summary>
public sealed class FuzzScenarios
{
    public const int FirstSeed = 1;
    public const int LastSeed = 80;

    /// <summary>Seeds from 1001 on also edit a map and an array (nested types included).</summary>
    public const int FirstStructureSeed = 1001;
    public const int LastStructureSeed = 1030;

    private readonly Lazy<Dictionary<int, JsonElement>> _scenarios = new(() =>
        YjsOracle.JsonLines(YjsOracle.Run("fuzz.mjs", $"--seeds {FirstSeed}-{LastSeed}"))
            .Concat(YjsOracle.JsonLines(YjsOracle.Run("fuzz.mjs", $"--seeds {FirstStructureSeed}-{LastStructureSeed}")))
            .ToDictionary(e => e.GetProperty("seed").GetInt32()));

    public JsonElement Get(int seed) => _scenarios.Value[seed];
}

public sealed class DifferentialFuzzTests(FuzzScenarios scenarios) : IClassFixture<FuzzScenarios>
{
    public static IEnumerable<object[]> Seeds() =>
        Enumerable.Range(FuzzScenarios.FirstSeed, FuzzScenarios.LastSeed - FuzzScenarios.FirstSeed + 1)
            .Concat(Enumerable.Range(FuzzScenarios.FirstStructureSeed, FuzzScenarios.LastStructureSeed - FuzzScenarios.FirstStructureSeed + 1))
            .Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Given_yjs_updates_in_random_order_with_duplicates_When_applied_Then_text_state_vector_and_yjs_reload_match(int seed)
    {
        var scenario = scenarios.Get(seed);
        var updates = scenario.GetProperty("updates").EnumerateArray().Select(u => Convert.FromBase64String(u.GetString()!)).ToArray();
        var doc = new Doc(clientId: 1);
        foreach (var i in scenario.GetProperty("order").EnumerateArray())
            doc.ApplyUpdate(updates[i.GetInt32()]);

        doc.HasPending.Should().BeFalse("every update has arrived (seed {0})", seed);
        doc.GetText("code").ToString().Should().Be(scenario.GetProperty("text").GetString(), "seed {0}", seed);
        Convert.ToBase64String(doc.EncodeStateVector()).Should().Be(scenario.GetProperty("stateVector").GetString(), "seed {0}", seed);

        var state = doc.EncodeStateAsUpdate();
        Convert.ToBase64String(state).Should().Be(scenario.GetProperty("state").GetString(), "byte-identical state, seed {0}", seed);
        var reloaded = YjsOracle.JsonLines(YjsOracle.Run("load.mjs", stdin: JsonSerializer.Serialize(new { id = seed, update = Convert.ToBase64String(state) }) + "\n")).Single();
        reloaded.TryGetProperty("error", out var error).Should().BeFalse("yjs must load the engine's state: {0}", error);
        reloaded.GetProperty("text").GetString().Should().Be(scenario.GetProperty("text").GetString(), "seed {0}", seed);
    }
}
