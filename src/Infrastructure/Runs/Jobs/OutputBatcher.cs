using System.Text;
using System.Threading.Channels;
using PeerCode.Infrastructure.Runs.Sandbox;

namespace PeerCode.Infrastructure.Runs.Jobs;

/// <summary>
/// Turns the sandbox's stream of output pieces into RunOutput batches: one batch per stream, flushed when it
/// reaches <see cref="MaxBatchBytes"/> or <see cref="MaxDelay"/> after its first piece, or when the other stream
/// writes (so the order of stdout and stderr is kept), and at the end.
/// </summary>
public sealed class OutputBatcher : IAsyncDisposable
{
    public const int MaxBatchBytes = 4096;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(50);

    private readonly Channel<(OutputStream Stream, string Text)> _pieces = Channel.CreateUnbounded<(OutputStream, string)>(new() { SingleReader = true });
    private readonly Func<OutputStream, string, Task> _flush;
    private readonly TimeProvider _time;
    private readonly Task _loop;

    public OutputBatcher(Func<OutputStream, string, Task> flush, TimeProvider? time = null)
    {
        _flush = flush;
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Called by the sandbox's pipe readers (any thread).</summary>
    public void Add(OutputStream stream, string text) => _pieces.Writer.TryWrite((stream, text));

    private async Task LoopAsync()
    {
        var pending = new StringBuilder();
        var bytes = 0;
        var stream = OutputStream.Stdout;
        long deadline = 0;
        async Task Flush()
        {
            if (pending.Length == 0) return;
            var text = pending.ToString();
            pending.Clear();
            bytes = 0;
            await _flush(stream, text);
        }
        var reader = _pieces.Reader;
        while (true)
        {
            (OutputStream Stream, string Text) piece;
            if (pending.Length == 0)
            {
                if (!await reader.WaitToReadAsync()) break;
                if (!reader.TryRead(out piece)) continue;
                deadline = _time.GetTimestamp() + (long)(MaxDelay.TotalSeconds * _time.TimestampFrequency);
            }
            else
            {
                var left = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero) { await Flush(); continue; }
                using var timeout = new CancellationTokenSource(left, _time);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token)) break;
                }
                catch (OperationCanceledException)
                {
                    await Flush();
                    continue;
                }
                if (!reader.TryRead(out piece)) continue;
            }
            if (pending.Length > 0 && piece.Stream != stream) await Flush();
            if (pending.Length == 0)
                deadline = _time.GetTimestamp() + (long)(MaxDelay.TotalSeconds * _time.TimestampFrequency);
            stream = piece.Stream;
            // Split large pieces so that no batch exceeds the byte limit.
            var text = piece.Text;
            while (text.Length > 0)
            {
                var room = MaxBatchBytes - bytes;
                var take = TakeChars(text, room);
                if (take == 0) { await Flush(); continue; }
                pending.Append(text, 0, take);
                bytes += Encoding.UTF8.GetByteCount(text.AsSpan(0, take));
                text = text[take..];
                if (bytes >= MaxBatchBytes) await Flush();
            }
        }
        await Flush();
    }

    /// <summary>How many chars of <paramref name="text"/> fit in <paramref name="maxBytes"/> UTF-8 bytes without splitting a surrogate pair.</summary>
    private static int TakeChars(string text, int maxBytes)
    {
        var bytes = 0;
        var i = 0;
        while (i < text.Length)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            var b = Encoding.UTF8.GetByteCount(text.AsSpan(i, width));
            if (bytes + b > maxBytes) break;
            bytes += b;
            i += width;
        }
        return i;
    }

    /// <summary>Flushes what is pending and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pieces.Writer.TryComplete();
        await _loop;
    }
}
