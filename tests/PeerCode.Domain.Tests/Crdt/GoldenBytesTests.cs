using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>
/// Bytes produced by the yjs scripts in tests/yjs-oracle/golden (each script beside its output; regenerate
/// with `node golden/generate.mjs`): the engine decodes and re-encodes them unchanged, and replaying the same
/// history gives a byte-identical encoded state.
/// </summary>
public sealed class GoldenBytesTests
{
    public static IEnumerable<object[]> Scenarios() =>
        Directory.GetFiles(GoldenDir, "*.mjs").Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.StartsWith('_') && n != "generate").Order().Select(n => new object[] { n! });

    private static string GoldenDir => Path.Combine(YjsOracle.OracleDir, "golden");

    private static byte[] Bytes(string name, string suffix) => File.ReadAllBytes(Path.Combine(GoldenDir, $"{name}.{suffix}"));

    public static List<byte[]> SplitUpdates(byte[] file)
    {
        var reader = new Lib0Reader(file);
        var updates = new List<byte[]>();
        while (reader.HasContent) updates.Add(reader.ReadVarBytes().ToArray());
        return updates;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Given_each_yjs_update_When_decoded_and_encoded_Then_the_bytes_are_identical(string name)
    {
        var updates = SplitUpdates(Bytes(name, "updates.bin"));
        updates.Should().NotBeEmpty();
        foreach (var (u, i) in updates.Select((u, i) => (u, i)))
            Convert.ToHexString(Update.DecodeV1(u).EncodeV1()).Should().Be(Convert.ToHexString(u), "update #{0} of {1}", i, name);

        var state = Bytes(name, "state.bin");
        Convert.ToHexString(Update.DecodeV1(state).EncodeV1()).Should().Be(Convert.ToHexString(state));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Given_the_same_history_When_the_engine_applies_it_Then_its_encoded_state_equals_yjs_byte_for_byte(string name)
    {
        var doc = new Doc(clientId: 9);
        foreach (var u in SplitUpdates(Bytes(name, "updates.bin"))) doc.ApplyUpdate(u);

        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenDir, $"{name}.expected.json"))).RootElement;
        doc.HasPending.Should().BeFalse();
        Convert.ToHexString(doc.EncodeStateAsUpdate()).Should().Be(Convert.ToHexString(Bytes(name, "state.bin")));
        Convert.ToBase64String(doc.EncodeStateVector()).Should().Be(expected.GetProperty("stateVector").GetString());
        foreach (var t in expected.GetProperty("texts").EnumerateObject())
            doc.GetText(t.Name).ToString().Should().Be(t.Value.GetString());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Given_the_yjs_state_When_loaded_into_a_fresh_doc_Then_it_encodes_back_to_the_same_bytes(string name)
    {
        var state = Bytes(name, "state.bin");
        var doc = new Doc(clientId: 9);
        doc.ApplyUpdate(state);
        Convert.ToHexString(doc.EncodeStateAsUpdate()).Should().Be(Convert.ToHexString(state));
    }
}
