using System.Text;
using Dapper;
using PeerCode.Application.EventStore;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using PeerCode.Projections.Wire;

namespace PeerCode.Projections.Runs;

public sealed class RunRow
{
    public string RunId { get; set; } = "";
    public string RoomId { get; set; } = "";
    public string? ParticipantId { get; set; }
    public string? Language { get; set; }
    public string Status { get; set; } = "requested";
    public string? Verdict { get; set; }
    public long Passed { get; set; }
    public DateTimeOffset? RequestedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long? QueueMs { get; set; }
    public long? WallMs { get; set; }
    public long? CpuMs { get; set; }
    public long? TotalMs { get; set; }
    public long? PeakMemoryKb { get; set; }
    public long? ExitCode { get; set; }
    public long OutputTruncated { get; set; }
    public string? Detail { get; set; }
    public long OutputChunks { get; set; }
    public long OutputBytes { get; set; }
    public long TestsTotal { get; set; }
    public long TestsPassed { get; set; }
}

public sealed class RunTestRow
{
    public string RunId { get; set; } = "";
    public long Ordinal { get; set; }
    public string Name { get; set; } = "";
    public string Verdict { get; set; } = "";
    public long Passed { get; set; }
    public long Hidden { get; set; }
    public long? WallMs { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Runs: one row per run through its lifecycle (requested, queued, started, output, completed), plus per-test results.</summary>
public sealed class RunsProjection : Projection
{
    private static readonly TableMap<RunRow> RunTable = new("runs", nameof(RunRow.RunId));
    private static readonly TableMap<RunTestRow> TestTable = new("run_tests", nameof(RunTestRow.RunId), nameof(RunTestRow.Ordinal));

    public override string Name => "runs";

    public override IReadOnlyList<string> EventTypes { get; } =
        [WireNames.RunRequested, WireNames.RunQueued, WireNames.RunStarted, WireNames.RunOutput, WireNames.RunCompleted];

    public override IReadOnlyList<string> Tables { get; } = ["run_tests", "runs"];

    public override IReadOnlyList<Migration> Migrations { get; } =
    [
        new("0200-runs", """
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                room_id TEXT NOT NULL,
                participant_id TEXT NULL,
                language TEXT NULL,
                status TEXT NOT NULL,
                verdict TEXT NULL,
                passed BIGINT NOT NULL,
                requested_at {ts} NULL,
                queued_at {ts} NULL,
                started_at {ts} NULL,
                completed_at {ts} NULL,
                queue_ms BIGINT NULL,
                wall_ms BIGINT NULL,
                cpu_ms BIGINT NULL,
                total_ms BIGINT NULL,
                peak_memory_kb BIGINT NULL,
                exit_code BIGINT NULL,
                output_truncated BIGINT NOT NULL,
                detail TEXT NULL,
                output_chunks BIGINT NOT NULL,
                output_bytes BIGINT NOT NULL,
                tests_total BIGINT NOT NULL,
                tests_passed BIGINT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_runs_room ON runs (room_id, requested_at);
            CREATE INDEX IF NOT EXISTS ix_runs_requested ON runs (requested_at);
            CREATE TABLE IF NOT EXISTS run_tests (
                run_id TEXT NOT NULL,
                ordinal BIGINT NOT NULL,
                name TEXT NOT NULL,
                verdict TEXT NOT NULL,
                passed BIGINT NOT NULL,
                hidden BIGINT NOT NULL,
                wall_ms BIGINT NULL,
                detail TEXT NULL,
                PRIMARY KEY (run_id, ordinal)
            )
            """),
    ];

    public override async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext ctx)
    {
        var runs = new RowCache<string, RunRow>(RunTable, id => new RunRow { RunId = id });
        var tests = new List<RunTestRow>();
        await runs.PreloadAsync(batch.Select(RunIdOf), "run_id", r => r.RunId, ctx);

        async Task<RunRow> RunAsync(RecordedEvent e, string runId)
        {
            var r = await runs.GetAsync(runId, ctx);
            if (r.RoomId.Length == 0) r.RoomId = WireFormat.RequireRoomId(e);
            return r;
        }

        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case WireNames.RunRequested:
                {
                    var ev = WireFormat.Read<RunRequestedV1>(e);
                    var r = await RunAsync(e, ev.RunId);
                    r.ParticipantId = ev.ParticipantKey;
                    r.Language = ev.Language;
                    r.RequestedAt = ev.At;
                    break;
                }
                case WireNames.RunQueued:
                {
                    var ev = WireFormat.Read<RunQueuedV1>(e);
                    var r = await RunAsync(e, ev.RunId);
                    r.QueuedAt = ev.At;
                    if (r.Status == "requested") r.Status = "queued";
                    break;
                }
                case WireNames.RunStarted:
                {
                    var ev = WireFormat.Read<RunStartedV1>(e);
                    var r = await RunAsync(e, ev.RunId);
                    r.StartedAt = ev.At;
                    if (r.Status is "requested" or "queued") r.Status = "running";
                    r.QueueMs = Ms(r.RequestedAt, ev.At);
                    break;
                }
                case WireNames.RunOutput:
                {
                    var ev = WireFormat.Read<RunOutputV1>(e);
                    var r = await RunAsync(e, ev.RunId);
                    r.OutputChunks++;
                    r.OutputBytes += ev.Text is null ? 0 : Encoding.UTF8.GetByteCount(ev.Text);
                    break;
                }
                case WireNames.RunCompleted:
                {
                    var ev = WireFormat.Read<RunCompletedV1>(e);
                    var r = await RunAsync(e, ev.RunId);
                    if (r.Status == "completed") break; // a duplicate completion of a run: the first one stands
                    r.Status = "completed";
                    r.Verdict = ev.Verdict;
                    r.Passed = ev.IsPassing ? 1 : 0;
                    r.CompletedAt = ev.At;
                    r.WallMs = ev.WallMs;
                    r.CpuMs = ev.CpuMs;
                    r.PeakMemoryKb = ev.PeakMemoryKb;
                    r.OutputTruncated = ev.OutputTruncated == true ? 1 : 0;
                    r.Detail = ev.Detail;
                    r.ExitCode = ev.ExitCode;
                    r.TotalMs = Ms(r.RequestedAt, ev.At);
                    var results = ev.Tests ?? [];
                    r.TestsTotal = results.Count;
                    r.TestsPassed = results.Count(t => t.Passed);
                    tests.AddRange(results.Select((t, i) => new RunTestRow
                    {
                        RunId = r.RunId, Ordinal = i, Name = t.Name, Verdict = t.Verdict, Passed = t.Passed ? 1 : 0,
                        Hidden = t.Hidden ? 1 : 0, WallMs = t.WallMs, Detail = t.Detail,
                    }));
                    break;
                }
            }
        }
        await runs.FlushAsync(ctx);
        if (tests.Count > 0)
            await ctx.Connection.ExecuteAsync(new CommandDefinition(TestTable.UpsertSql, tests, ctx.Transaction, cancellationToken: ctx.CancellationToken));
    }

    /// <summary>Reads just the top-level runId of a run event, to preload the batch's runs in one query.</summary>
    private static string RunIdOf(RecordedEvent e)
    {
        var reader = new System.Text.Json.Utf8JsonReader(e.Data.Span);
        while (reader.Read())
            if (reader.CurrentDepth == 1 && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName
                && string.Equals(reader.GetString(), "runId", StringComparison.OrdinalIgnoreCase) && reader.Read())
                return reader.GetString() ?? throw new UnreadableEventException(e, new System.Text.Json.JsonException("runId is null"));
        throw new UnreadableEventException(e, new System.Text.Json.JsonException("no runId"));
    }

    private static long? Ms(DateTimeOffset? from, DateTimeOffset to) => from is { } f ? (long)Math.Max(0, (to - f).TotalMilliseconds) : null;
}
