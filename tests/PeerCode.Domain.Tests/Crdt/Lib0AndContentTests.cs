using FluentAssertions;
using PeerCode.Domain.Crdt;
using PeerCode.Domain.Crdt.Encoding;
using PeerCode.Domain.Crdt.Structs;
using Xunit;

namespace PeerCode.Domain.Tests.Crdt;

public sealed class Lib0AndContentTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(127UL, "7F")]
    [InlineData(128UL, "8001")]
    [InlineData(300UL, "AC02")]
    [InlineData(4294967295UL, "FFFFFFFF0F")]
    [InlineData((1UL << 53) - 1, "FFFFFFFFFFFFFF0F")]
    public void Given_unsigned_values_When_written_Then_lib0_bytes_and_read_back(ulong value, string hex)
    {
        var w = new Lib0Writer();
        w.WriteVarUInt(value);
        Convert.ToHexString(w.ToArray()).Should().Be(hex);
        new Lib0Reader(w.ToArray()).ReadVarUInt().Should().Be(value);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "41")]
    [InlineData(63L, "3F")]
    [InlineData(64L, "8001")]
    [InlineData(-64L, "C001")]
    [InlineData(2147483647L, "BFFFFFFF0F")]
    public void Given_signed_values_When_written_Then_lib0_bytes_and_read_back(long value, string hex)
    {
        var w = new Lib0Writer();
        w.WriteVarInt(value);
        Convert.ToHexString(w.ToArray()).Should().Be(hex);
        new Lib0Reader(w.ToArray()).ReadVarInt().Should().Be(value);
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFF7F")] // more than 53 bits
    [InlineData("80")] // continuation without an end
    [InlineData("")]
    public void Given_bad_varints_When_read_Then_a_typed_error(string hex)
    {
        var act = () => new Lib0Reader(Convert.FromHexString(hex)).ReadVarUInt();
        act.Should().Throw<CrdtFormatException>();
    }

    [Fact]
    public void Given_legacy_json_content_When_decoded_integrated_and_encoded_Then_it_is_kept_verbatim()
    {
        // ContentJSON (tag 2) is only produced by old yjs versions; build it by hand: ["a", {"x":1}, undefined] in array "list".
        var w = new Lib0Writer();
        w.WriteVarUInt(1); w.WriteVarUInt(1); w.WriteVarUInt(8); w.WriteVarUInt(0);
        w.WriteByte(2);
        w.WriteVarUInt(1); w.WriteVarString("list");
        w.WriteVarUInt(3); w.WriteVarString("\"a\""); w.WriteVarString("{\"x\":1}"); w.WriteVarString("undefined");
        w.WriteVarUInt(0);
        var update = w.ToArray();

        Update.DecodeV1(update).EncodeV1().Should().Equal(update);
        var doc = new Doc(clientId: 1);
        doc.ApplyUpdate(update);
        doc.GetArray("list").ToList().Should().Equal("\"a\"", "{\"x\":1}", "undefined");
        doc.EncodeStateAsUpdate().Should().Equal(update);

        // Deleting the middle element splits the run; the state still re-encodes losslessly.
        doc.GetArray("list").Delete(1, 1);
        var again = new Doc(clientId: 2);
        again.ApplyUpdate(doc.EncodeStateAsUpdate());
        again.GetArray("list").ToList().Should().Equal("\"a\"", "undefined");
    }

    [Fact]
    public void Given_a_map_and_array_edited_locally_When_synced_Then_values_and_nested_types_arrive()
    {
        var a = new Doc(clientId: 1);
        a.GetMap("m").Set("n", AnyValue.Integer(5));
        a.GetMap("m").Set("n", AnyValue.String("five"));
        a.GetMap("m").Set("gone", AnyValue.True);
        a.GetMap("m").Delete("gone");
        a.GetArray("l").Insert(0, AnyValue.Integer(1), AnyValue.Integer(2), AnyValue.Integer(3));
        a.GetArray("l").Delete(1, 1);
        a.GetArray("l").Insert(1, AnyValue.Null);

        var b = new Doc(clientId: 2);
        b.ApplyUpdate(a.EncodeStateAsUpdate());
        b.GetMap("m").Get("n").Should().Be(AnyValue.String("five"));
        b.GetMap("m").Get("gone").Should().BeNull();
        b.GetMap("m").Keys.Should().Equal("n");
        b.GetArray("l").ToList().Should().Equal(AnyValue.Integer(1), AnyValue.Null, AnyValue.Integer(3));
        b.EncodeStateAsUpdate().Should().Equal(a.EncodeStateAsUpdate());
    }

    [Fact]
    public void Given_a_surrogate_pair_When_an_edit_splits_it_Then_both_halves_become_replacement_characters_as_in_yjs()
    {
        var doc = new Doc(clientId: 1);
        var text = doc.GetText("code");
        text.Insert(0, "a😀b");
        text.Insert(2, "|");
        text.ToString().Should().Be("a\uFFFD|\uFFFDb");
        text.Length.Should().Be(5);
    }

    [Fact]
    public void Given_remote_keystrokes_applied_one_update_each_When_integrated_Then_their_text_lives_in_the_documents_own_buffer()
    {
        // Each remote keystroke arrives as its own update, decoded into a small buffer of its own. Integrated text is
        // copied into the receiving document's buffer, so those per-update buffers are not kept for the document's life.
        var receiver = new Doc(clientId: 9);
        var writers = new[] { new Doc(clientId: 1), new Doc(clientId: 2) };
        foreach (var w in writers) w.UpdateV1 += (update, _) => receiver.ApplyUpdate(update);
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var w = writers[i % 2];
            foreach (var other in writers.Where(o => o != w)) other.ApplyUpdate(w.EncodeStateAsUpdate(other.EncodeStateVector()));
            var text = w.GetText("monaco");
            text.Insert(random.Next(text.Length + 1), ((char)('a' + i % 26)).ToString());
        }

        var items = new List<Item>();
        for (var item = receiver.GetText("monaco").Branch.Start; item is not null; item = item.Right) items.Add(item);
        items.Should().HaveCountGreaterThan(1000, "random positions keep most keystrokes in items of their own");
        // A few more buffers come from merges of neighbours that were not typed one after the other.
        items.Select(i => i.Content).OfType<ContentString>().Select(c => c.Chunk).Distinct().Should().HaveCountLessThan(items.Count / 100);
        writers[0].ApplyUpdate(writers[1].EncodeStateAsUpdate(writers[0].EncodeStateVector()));
        receiver.GetText("monaco").ToString().Should().Be(writers[0].GetText("monaco").ToString()).And.HaveLength(2000);
    }
}
