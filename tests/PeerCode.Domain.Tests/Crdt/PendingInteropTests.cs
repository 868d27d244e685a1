using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Crdt;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>
/// What the yjs-apply command does (length-prefixed updates applied in file order, missing dependencies kept
/// pending), compared with yjs doing the same (tests/yjs-oracle/apply.mjs): text, state vector and the encoded
/// state, pending parts included, are identical.
/// </summary>
public sealed class PendingInteropTests
{
    [Theory]
    [InlineData(5, -1)]
    [InlineData(5, 2)]
    [InlineData(8, 0)]
    [InlineData(12, 1)]
    [InlineData(13, 3)]
    public void Given_a_file_of_updates_with_one_missing_When_applied_in_order_Then_the_result_equals_yjs(int seed, int dropped)
    {
        var input = Path.Combine(Path.GetTempPath(), $"peercode-yjs-apply-{Guid.NewGuid():N}.bin");
        try
        {
            YjsOracle.Run("apply.mjs", $"--make-input {input} --seed {seed} --drop {dropped}");
            var expected = JsonDocument.Parse(YjsOracle.Run("apply.mjs", $"--input {input}")).RootElement;

            var doc = new Doc(clientId: 0);
            foreach (var update in GoldenBytesTests.SplitUpdates(File.ReadAllBytes(input))) doc.ApplyUpdate(update);

            if (dropped < 0) doc.HasPending.Should().BeFalse();
            doc.GetText("code").ToString().Should().Be(expected.GetProperty("text").GetString());
            Convert.ToBase64String(doc.EncodeStateVector()).Should().Be(expected.GetProperty("stateVector").GetString());
            Convert.ToBase64String(doc.EncodeStateAsUpdate()).Should().Be(expected.GetProperty("update").GetString());
        }
        finally
        {
            File.Delete(input);
        }
    }
}
