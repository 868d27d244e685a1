using System.Text.Json;
using FluentAssertions;
using PeerCode.Domain.Crdt;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

/// <summary>Merging and diffing stored updates without a document, compared with yjs on the fuzz scenarios.</summary>
public sealed class UpdateMergerTests(FuzzScenarios scenarios) : IClassFixture<FuzzScenarios>
{
    private static readonly int[] Seeds = [1, 2, 3, 5, 8, 13, 21, 34, 55, 79];

    [Fact]
    public void Given_shuffled_updates_with_duplicates_When_merged_Then_bytes_equal_yjs_mergeUpdates_and_the_text_is_the_same()
    {
        var requests = new List<object>();
        var ours = new Dictionary<int, (byte[] Merged, byte[] Diff, byte[] Sv, string Text)>();
        foreach (var seed in Seeds)
        {
            var s = scenarios.Get(seed);
            var updates = s.GetProperty("updates").EnumerateArray().Select(u => Convert.FromBase64String(u.GetString()!)).ToArray();
            var ordered = s.GetProperty("order").EnumerateArray().Select(i => updates[i.GetInt32()]).ToArray();
            var merged = UpdateMerger.MergeUpdates(ordered);
            // A peer that has the first half of the history asks for the rest.
            var half = new Doc(clientId: 1);
            foreach (var u in updates.Take(updates.Length / 2)) half.ApplyUpdate(u);
            var sv = half.EncodeStateVector();
            var diff = UpdateMerger.DiffUpdate(merged, sv);
            half.ApplyUpdate(diff);
            ours[seed] = (merged, diff, UpdateMerger.EncodeStateVectorFromUpdate(merged), half.GetText("code").ToString());
            s.GetProperty("text").GetString().Should().Be(ours[seed].Text, "diff applied to the half doc completes it (seed {0})", seed);

            var full = new Doc(clientId: 2);
            full.ApplyUpdate(merged);
            full.GetText("code").ToString().Should().Be(s.GetProperty("text").GetString());
            requests.Add(new { id = $"m{seed}", op = "merge", updates = ordered.Select(Convert.ToBase64String) });
            requests.Add(new { id = $"d{seed}", op = "diff", update = Convert.ToBase64String(merged), stateVector = Convert.ToBase64String(sv) });
            requests.Add(new { id = $"s{seed}", op = "svFromUpdate", update = Convert.ToBase64String(merged) });
        }
        var answers = YjsOracle.JsonLines(YjsOracle.Run("ops.mjs", stdin: string.Join("\n", requests.Select(r => JsonSerializer.Serialize(r))) + "\n"))
            .ToDictionary(a => a.GetProperty("id").GetString()!);
        foreach (var seed in Seeds)
        {
            answers[$"m{seed}"].GetProperty("update").GetString().Should().Be(Convert.ToBase64String(ours[seed].Merged), "merge, seed {0}", seed);
            answers[$"d{seed}"].GetProperty("update").GetString().Should().Be(Convert.ToBase64String(ours[seed].Diff), "diff, seed {0}", seed);
            answers[$"s{seed}"].GetProperty("stateVector").GetString().Should().Be(Convert.ToBase64String(ours[seed].Sv), "state vector, seed {0}", seed);
        }
    }

    [Fact]
    public void Given_updates_with_a_gap_When_applied_Then_the_doc_keeps_them_pending_and_its_encoded_state_carries_them()
    {
        var source = new Doc(clientId: 10);
        var updates = new List<byte[]>();
        source.UpdateV1 += (u, _) => updates.Add(u);
        var text = source.GetText("code");
        text.Insert(0, "one ");
        text.Insert(4, "two ");
        text.Insert(8, "three");
        text.Delete(0, 4);

        var doc = new Doc(clientId: 11);
        doc.ApplyUpdate(updates[0]);
        doc.ApplyUpdate(updates[2]); // depends on updates[1]
        doc.ApplyUpdate(updates[3]);
        doc.HasPending.Should().BeTrue();
        doc.GetText("code").ToString().Should().Be("");

        // The encoded state still carries the waiting parts: a fresh doc given it plus the missing update catches up.
        var state = doc.EncodeStateAsUpdate();
        var other = new Doc(clientId: 12);
        other.ApplyUpdate(state);
        other.ApplyUpdate(updates[1]);
        other.HasPending.Should().BeFalse();
        other.GetText("code").ToString().Should().Be("two three");

        doc.ApplyUpdate(updates[1]);
        doc.HasPending.Should().BeFalse();
        doc.GetText("code").ToString().Should().Be("two three");
    }
}
