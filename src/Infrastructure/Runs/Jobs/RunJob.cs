using Microsoft.Extensions.Logging;
using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Sandbox;
using Quartz;

namespace PeerCode.Infrastructure.Runs.Jobs;

/// <summary>
/// The Quartz job of one run: reads the recorded request, appends RunStarted, runs it in the sandbox with its output
/// batched into RunOutput events, and appends RunCompleted. A run is never left running: a job recovered after
/// its node died completes the run as an internal error with the reason, and a failure of the sandbox itself
/// completes it as an internal error too.
/// </summary>
public sealed class RunJob(CodeRunner runner, IRunLifecycle lifecycle, TimeProvider time, string node, ILogger<RunJob> log) : IJob
{
    public const string RoomIdKey = "roomId", RunIdKey = "runId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var roomId = context.MergedJobDataMap.GetString(RoomIdKey) ?? throw new InvalidOperationException("run job without a room id");
        var runId = context.MergedJobDataMap.GetString(RunIdKey) ?? throw new InvalidOperationException("run job without a run id");
        await ExecuteAsync(roomId, runId, context.Recovering, cancellationToken);
    }

    public async Task ExecuteAsync(string roomId, string runId, bool recovering, CancellationToken ct)
    {
        var request = await lifecycle.GetRequestAsync(roomId, runId, ct);
        if (request is null)
        {
            log.LogWarning("Run {RunId} of room {RoomId} has no RunRequested event; nothing to run", runId, roomId);
            return;
        }
        if (recovering)
        {
            var abandoned = await lifecycle.HandleAsync(roomId, new AbandonRun(runId,
                "The server running this run stopped before it finished; run it again.", time.GetUtcNow()), ct);
            log.LogWarning("Run {RunId} recovered after its node stopped: {Outcome}", runId, abandoned.Rejection?.Message ?? "completed as internal error");
            return;
        }
        var started = await lifecycle.HandleAsync(roomId, new StartRun(runId, node, time.GetUtcNow()), ct);
        if (!started.Accepted)
        {
            log.LogWarning("Run {RunId} not started: {Reason}", runId, started.Rejection!.Message);
            return;
        }

        CompleteRun completion;
        var batcher = new OutputBatcher((stream, text) => lifecycle.HandleAsync(roomId,
            new RecordOutput(runId, stream == OutputStream.Stdout ? "stdout" : "stderr", text), CancellationToken.None), time);
        try
        {
            var r = await runner.RunAsync(new RunRequest(request.Language, request.Code, request.Stdin, request.Tests), batcher.Add, ct);
            await batcher.DisposeAsync();
            completion = new CompleteRun(runId, r.ExitCode, r.Verdict, r.WallMs, r.CpuMs, r.PeakMemoryKb, r.OutputTruncated, r.Tests, r.Detail, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await batcher.DisposeAsync();
            log.LogError(e, "Run {RunId} failed inside the sandbox host", runId);
            var detail = e is RunRequestException bad ? bad.Message : "The sandbox failed to run this code: " + e.Message;
            completion = new CompleteRun(runId, null, RunVerdict.InternalError, 0, null, null, false, [], detail, time.GetUtcNow());
        }
        var completed = await lifecycle.HandleAsync(roomId, completion, CancellationToken.None);
        if (!completed.Accepted) log.LogWarning("Run {RunId} completion refused: {Reason}", runId, completed.Rejection!.Message);
    }
}
