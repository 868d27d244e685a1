using System.Text;
using FluentAssertions;
using PeerCode.Infrastructure.Runs.Jobs;
using PeerCode.Infrastructure.Runs.Sandbox;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

public sealed class OutputBatcherTests
{
    private readonly List<(OutputStream Stream, string Text)> _batches = [];

    private int Count()
    {
        lock (_batches) return _batches.Count;
    }

    private OutputBatcher Create() => new((s, t) => { lock (_batches) _batches.Add((s, t)); return Task.CompletedTask; });

    [Fact]
    public async Task Pieces_written_close_together_form_one_batch()
    {
        var b = Create();
        b.Add(OutputStream.Stdout, "a");
        b.Add(OutputStream.Stdout, "b");
        b.Add(OutputStream.Stdout, "c");
        await b.DisposeAsync();

        _batches.Should().Equal((OutputStream.Stdout, "abc"));
    }

    [Fact]
    public async Task A_batch_is_flushed_by_the_timer_after_its_first_piece_without_waiting_for_more_or_for_the_end()
    {
        var b = Create();
        b.Add(OutputStream.Stdout, "early");
        // The flush is due 50 ms after the piece; allow a loaded machine far more before calling it missing.
        for (var i = 0; i < 100 && Count() == 0; i++) await Task.Delay(50);
        lock (_batches) _batches.Should().Equal((OutputStream.Stdout, "early"));
        b.Add(OutputStream.Stdout, "late");
        await b.DisposeAsync();

        _batches.Should().Equal((OutputStream.Stdout, "early"), (OutputStream.Stdout, "late"));
    }

    [Fact]
    public async Task Batches_never_exceed_4_KiB_and_never_split_a_character()
    {
        var b = Create();
        var text = string.Concat(Enumerable.Repeat("é😀x", 5000));
        b.Add(OutputStream.Stdout, text);
        await b.DisposeAsync();

        _batches.Should().AllSatisfy(x => Encoding.UTF8.GetByteCount(x.Text).Should().BeLessThanOrEqualTo(4096));
        _batches.Count.Should().BeGreaterThan(1);
        string.Concat(_batches.Select(x => x.Text)).Should().Be(text);
        _batches.Should().AllSatisfy(x => char.IsHighSurrogate(x.Text[^1]).Should().BeFalse());
    }

    [Fact]
    public async Task A_switch_between_stdout_and_stderr_starts_a_new_batch_so_their_order_is_kept()
    {
        var b = Create();
        b.Add(OutputStream.Stdout, "1");
        b.Add(OutputStream.Stderr, "2");
        b.Add(OutputStream.Stdout, "3");
        await b.DisposeAsync();

        _batches.Should().Equal((OutputStream.Stdout, "1"), (OutputStream.Stderr, "2"), (OutputStream.Stdout, "3"));
    }
}
