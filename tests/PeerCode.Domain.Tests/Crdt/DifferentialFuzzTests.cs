using Xunit;
using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Crdt;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>Runs the yjs fuzz harness once for all seeds; each seed is its own test case.</summary>
public sealed class FuzzScenarios
{
    public const int FirstSeed = 1;
    public const int LastSeed = 200;

    /// <summary>Seeds from 1001 on also edit a map and an array (nested types included).</summary>
    public const int FirstStructureSeed = 1001;
    public const int LastStructureSeed = 1060;

    /// <summary>Seeds from 2001 on also format the text (yjs's mark cleanup included).</summary>
    public const int FirstFormattingSeed = 2001;
    public const int LastFormattingSeed = 2040;

    // Shared by every test class that uses scenarios: the harness runs once per test run.
    private static readonly Lazy<Dictionary<int, JsonElement>> Scenarios = new(() =>
        YjsOracle.JsonLines(YjsOracle.Run("fuzz.mjs", $"--seeds {FirstSeed}-{LastSeed}"))
            .Concat(YjsOracle.JsonLines(YjsOracle.Run("fuzz.mjs", $"--seeds {FirstStructureSeed}-{LastStructureSeed}")))
            .Concat(YjsOracle.JsonLines(YjsOracle.Run("fuzz.mjs", $"--seeds {FirstFormattingSeed}-{LastFormattingSeed}")))
            .ToDictionary(e => e.GetProperty("seed").GetInt32()));

    public JsonElement Get(int seed) => Scenarios.Value[seed];
}

public sealed class DifferentialFuzzTests(FuzzScenarios scenarios) : IClassFixture<FuzzScenarios>
{
    public static IEnumerable<object[]> Seeds() =>
        Enumerable.Range(FuzzScenarios.FirstSeed, FuzzScenarios.LastSeed - FuzzScenarios.FirstSeed + 1)
            .Concat(Enumerable.Range(FuzzScenarios.FirstStructureSeed, FuzzScenarios.LastStructureSeed - FuzzScenarios.FirstStructureSeed + 1))
            .Concat(Enumerable.Range(FuzzScenarios.FirstFormattingSeed, FuzzScenarios.LastFormattingSeed - FuzzScenarios.FirstFormattingSeed + 1))
            .Select(s => new object[] { s });

    private Doc Replay(int seed)
    {
        var scenario = scenarios.Get(seed);
        var updates = scenario.GetProperty("updates").EnumerateArray().Select(u => Convert.FromBase64String(u.GetString()!)).ToArray();
        var doc = new Doc(clientId: 1);
        foreach (var i in scenario.GetProperty("order").EnumerateArray())
            doc.ApplyUpdate(updates[i.GetInt32()]);
        return doc;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Given_yjs_updates_in_random_order_with_duplicates_When_applied_Then_text_state_vector_and_encoded_state_equal_yjs(int seed)
    {
        var scenario = scenarios.Get(seed);
        var doc = Replay(seed);

        doc.HasPending.Should().BeFalse("every update has arrived (seed {0})", seed);
        doc.GetText("code").ToString().Should().Be(scenario.GetProperty("text").GetString(), "seed {0}", seed);
        Convert.ToBase64String(doc.EncodeStateVector()).Should().Be(scenario.GetProperty("stateVector").GetString(), "seed {0}", seed);
        Convert.ToBase64String(doc.EncodeStateAsUpdate()).Should().Be(scenario.GetProperty("state").GetString(), "byte-identical state, seed {0}", seed);
    }

    [Fact]
    public void Given_the_engine_state_of_every_seed_When_yjs_loads_it_Then_yjs_shows_the_same_text_and_state_vector()
    {
        var seeds = Seeds().Select(s => (int)s[0]).ToList();
        var requests = seeds.Select(seed => JsonSerializer.Serialize(new { id = seed, update = Convert.ToBase64String(Replay(seed).EncodeStateAsUpdate()) }));
        var answers = YjsOracle.JsonLines(YjsOracle.Run("load.mjs", stdin: string.Join("\n", requests) + "\n")).ToDictionary(a => a.GetProperty("id").GetInt32());
        foreach (var seed in seeds)
        {
            var scenario = scenarios.Get(seed);
            answers[seed].TryGetProperty("error", out var error).Should().BeFalse("yjs must load the engine's state (seed {0}): {1}", seed, error);
            answers[seed].GetProperty("text").GetString().Should().Be(scenario.GetProperty("text").GetString(), "seed {0}", seed);
            answers[seed].GetProperty("stateVector").GetString().Should().Be(scenario.GetProperty("stateVector").GetString(), "seed {0}", seed);
        }
    }
}
