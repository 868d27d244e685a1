using FluentAssertions;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

public sealed class HostileInputTests
{
    private static string GoldenFile(string name) => Path.Combine(YjsOracle.OracleDir, "golden", name);

    /// <summary>A document with some content of its own, so "unchanged" means something.</summary>
    private static Doc SeededDoc()
    {
        var doc = new Doc(clientId: 3);
        doc.GetText("code").Insert(0, "existing text");
        doc.GetText("code").Delete(2, 3);
        return doc;
    }

    private static void ShouldRejectAndLeaveUnchanged(byte[] update)
    {
        var doc = SeededDoc();
        var before = doc.EncodeStateAsUpdate();
        var act = () => doc.ApplyUpdate(update);
        act.Should().Throw<CrdtFormatException>();
        doc.EncodeStateAsUpdate().Should().Equal(before);
        doc.HasPending.Should().BeFalse();
        doc.GetText("code").ToString().Should().Be("exing text");
    }

    [Fact]
    public void Given_every_truncation_of_real_updates_When_applied_Then_a_typed_error_and_the_doc_is_unchanged()
    {
        foreach (var name in new[] { "text-concurrent", "text-formatting", "map-array", "xml-subdoc-gc" })
        {
            var state = File.ReadAllBytes(GoldenFile($"{name}.state.bin"));
            for (var len = 0; len < state.Length; len++)
                ShouldRejectAndLeaveUnchanged(state[..len]);
        }
    }

    [Fact]
    public void Given_randomly_corrupted_updates_When_applied_Then_either_they_apply_or_fail_typed_without_changing_the_doc()
    {
        var rng = new Random(1234);
        var sources = new[] { "text-concurrent", "text-formatting", "map-array", "xml-subdoc-gc" }
            .Select(n => File.ReadAllBytes(GoldenFile($"{n}.state.bin"))).ToArray();
        for (var i = 0; i < 3000; i++)
        {
            var bytes = (byte[])sources[i % sources.Length].Clone();
            for (var k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            var doc = SeededDoc();
            var before = doc.EncodeStateAsUpdate();
            try
            {
                doc.ApplyUpdate(bytes);
            }
            catch (CrdtFormatException)
            {
                doc.EncodeStateAsUpdate().Should().Equal(before, "a rejected update must not change the document (case {0})", i);
                continue;
            }
            // Accepted: the document must still encode, and yjs-compatible re-decoding must work.
            var again = new Doc(clientId: 4);
            again.ApplyUpdate(doc.EncodeStateAsUpdate());
            _ = again.GetText("code").ToString();
        }
    }

    [Fact]
    public void Given_corrupted_v2_updates_and_random_garbage_When_applied_Then_either_they_apply_or_fail_typed_without_changing_the_doc()
    {
        var rng = new Random(4321);
        var sources = new[] { "text-concurrent", "text-formatting", "map-array", "xml-subdoc-gc" }
            .Select(n => File.ReadAllBytes(GoldenFile($"{n}.state-v2.bin"))).ToArray();
        for (var i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 5 == 4)
            {
                bytes = new byte[rng.Next(1, 64)];
                rng.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])sources[i % sources.Length].Clone();
                for (var k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }
            foreach (var v2 in new[] { true, false })
            {
                var doc = SeededDoc();
                var before = doc.EncodeStateAsUpdate();
                try
                {
                    if (v2) doc.ApplyUpdateV2(bytes);
                    else doc.ApplyUpdate(bytes);
                }
                catch (CrdtFormatException)
                {
                    doc.EncodeStateAsUpdate().Should().Equal(before, "a rejected update must not change the document (case {0})", i);
                    continue;
                }
                var again = new Doc(clientId: 4);
                again.ApplyUpdateV2(doc.EncodeStateAsUpdateV2());
                // Accepted (v2 columns repeat their last value, so corruption often still decodes): the document
                // must reload from its own encoding with the same content. (Struct boundaries may differ: odd
                // origins split items at odd places, as they would in yjs.)
                again.EncodeStateVector().Should().Equal(doc.EncodeStateVector(), "case {0}", i);
                again.GetText("code").ToString().Should().Be(doc.GetText("code").ToString(), "case {0}", i);
            }
        }
    }

    [Fact]
    public void Given_a_huge_client_count_When_applied_Then_it_is_rejected_without_allocating_for_it()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1UL << 50);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_a_huge_struct_count_When_applied_Then_it_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1);
        w.WriteVarUInt(uint.MaxValue); // structs
        w.WriteVarUInt(5); // client
        w.WriteVarUInt(0); // clock
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_a_string_longer_than_the_input_When_applied_Then_it_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(4); // item with string content, no origins
        w.WriteVarUInt(1); w.WriteVarString("code"); // parent: root "code"
        w.WriteVarUInt(1_000_000); // string length past the end
        w.WriteBytes("abc"u8);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_invalid_utf8_When_applied_Then_it_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(4);
        w.WriteVarUInt(1); w.WriteVarString("code");
        w.WriteVarBytes([0x61, 0xC3, 0x28, 0xFF]);
        w.WriteVarUInt(0);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_deeply_nested_values_When_applied_Then_they_are_rejected_before_the_stack_runs_out()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(8); // ContentAny
        w.WriteVarUInt(1); w.WriteVarString("list");
        w.WriteVarUInt(1);
        for (var i = 0; i < 100_000; i++) { w.WriteByte(117); w.WriteVarUInt(1); }
        w.WriteByte(126);
        w.WriteVarUInt(0);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Theory]
    [InlineData(11)]
    [InlineData(31)]
    public void Given_an_unknown_content_kind_When_applied_Then_it_is_rejected(byte contentRef)
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(contentRef);
        w.WriteVarUInt(1); w.WriteVarString("code");
        w.WriteVarUInt(0);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_an_item_pointing_at_a_later_clock_of_its_own_client_When_applied_Then_it_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(0x80 | 4); // origin 5:10 (its own future)
        w.WriteVarUInt(5); w.WriteVarUInt(10);
        w.WriteVarString("x");
        w.WriteVarUInt(0);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_an_item_whose_parent_is_a_text_character_When_applied_Then_it_is_rejected_and_the_doc_is_unchanged()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(4);
        w.WriteVarUInt(0); w.WriteVarUInt(3); w.WriteVarUInt(0); // parent: item 3:0, a character of the seeded text
        w.WriteVarString("x");
        w.WriteVarUInt(0);
        ShouldRejectAndLeaveUnchanged(w.ToArray());
    }

    [Fact]
    public void Given_trailing_garbage_When_applied_Then_it_is_rejected()
    {
        var state = File.ReadAllBytes(GoldenFile("text-concurrent.state.bin"));
        ShouldRejectAndLeaveUnchanged([.. state, 0x00]);
    }

    [Fact]
    public void Given_an_item_whose_parent_is_unknown_When_applied_Then_it_waits_as_pending_and_the_text_is_unchanged()
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(5); w.WriteVarUInt(0);
        w.WriteByte(4);
        w.WriteVarUInt(0); w.WriteVarUInt(999); w.WriteVarUInt(7); // parent: item 999:7, which we do not have
        w.WriteVarString("hidden");
        w.WriteVarUInt(0);
        var doc = SeededDoc();
        var sv = doc.EncodeStateVector();
        doc.ApplyUpdate(w.ToArray());
        doc.HasPending.Should().BeTrue();
        doc.GetText("code").ToString().Should().Be("exing text");
        doc.EncodeStateVector().Should().Equal(sv);
    }

    [Fact]
    public void Given_types_nested_a_hundred_thousand_deep_When_the_outermost_is_deleted_Then_everything_is_deleted_and_collected_without_recursion()
    {
        const int depth = 100_000;
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(depth); w.WriteVarUInt(5); w.WriteVarUInt(0);
        for (var i = 0; i < depth; i++)
        {
            w.WriteByte(0x20 | 7); // ContentType with a key
            if (i == 0) { w.WriteVarUInt(1); w.WriteVarString("root"); }
            else { w.WriteVarUInt(0); w.WriteVarUInt(5); w.WriteVarUInt((ulong)(i - 1)); }
            w.WriteVarString("k");
            w.WriteVarUInt(1); // YMap
        }
        w.WriteVarUInt(0);
        var doc = new Doc(clientId: 1);
        doc.ApplyUpdate(w.ToArray());
        doc.GetMap("root").Get("k").Should().NotBeNull();

        var delete = new Lib0Writer();
        delete.WriteVarUInt(0); // no structs
        delete.WriteVarUInt(1); delete.WriteVarUInt(5); delete.WriteVarUInt(1); delete.WriteVarUInt(0); delete.WriteVarUInt(1);
        doc.ApplyUpdate(delete.ToArray());
        doc.GetMap("root").Get("k").Should().BeNull();
        var state = Update.DecodeV1(doc.EncodeStateAsUpdate());
        state.DeleteSet.Clients[5].Should().Equal(new DeleteRange(0, depth));
    }
}
