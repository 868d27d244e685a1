using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs.Jobs;

namespace PeerCode.Infrastructure.Runs;

/// <summary>
/// The one way in for a run, shared by the hub's RequestRun and POST /api/rooms/{roomId}/runs: validate (language,
/// sizes), record RunRequested + RunQueued in the room (the decider enforces the per-room limit of unfinished runs),
/// then queue the job. Every refusal is a <see cref="RunRequestException"/> and leaves nothing recorded or queued.
/// </summary>
public sealed class RunRequests(CodeRunner runner, IRunLifecycle lifecycle, RunScheduler scheduler, TimeProvider time, int maxUnfinishedPerRoom)
{
    /// <param name="code">The room document's text at this moment (the caller reads it from the server's document, never from the client).</param>
    public async Task<string> RequestAsync(string roomId, string language, string code, string stdin, IReadOnlyList<RunTestCase> tests, string requestedBy, CancellationToken ct = default)
    {
        runner.RequestLimits.Validate(new RunRequest(language, code, stdin, tests), runner.Catalogue);
        var runId = RunIds.New(roomId);
        var decision = await lifecycle.HandleAsync(roomId,
            new RequestRun(runId, language, code, stdin, tests, requestedBy, maxUnfinishedPerRoom, time.GetUtcNow()), ct);
        if (decision.Rejection is { } rejected) throw new RunRequestException(rejected.Code, rejected.Message);
        await scheduler.EnqueueAsync(roomId, runId, ct);
        return runId;
    }
}
