using System.Security.Cryptography;
using System.Text;

namespace PeerCode.Domain.Runs;

/// <summary>Why a run command was refused. <see cref="Code"/> is stable for clients.</summary>
public sealed record RunRejection(string Code, string Message);

/// <summary>Either the events a command produces or why it was refused.</summary>
public sealed record RunDecision(IReadOnlyList<RunEvent> Events, RunRejection? Rejection)
{
    public static RunDecision Accept(params RunEvent[] events) => new(events, null);
    public static RunDecision Reject(string code, string message) => new([], new RunRejection(code, message));
    public bool Accepted => Rejection is null;
}

public abstract record RunCommand(string RunId);

/// <param name="Code">The room document's text at request time.</param>
/// <param name="MaxUnfinishedPerRoom">The room's limit of runs requested but not finished.</param>
public sealed record RequestRun(
    string RunId, string Language, string Code, string Stdin, IReadOnlyList<RunTestCase> Tests, string RequestedBy,
    int MaxUnfinishedPerRoom, DateTimeOffset At) : RunCommand(RunId);

public sealed record StartRun(string RunId, string Node, DateTimeOffset At) : RunCommand(RunId);

public sealed record RecordOutput(string RunId, string Stream, string Text) : RunCommand(RunId);

public sealed record CompleteRun(
    string RunId, int? ExitCode, RunVerdict Verdict, long WallMs, long? CpuMs, long? PeakMemoryKb,
    bool OutputTruncated, IReadOnlyList<RunTestResult> Tests, string? Detail, DateTimeOffset At) : RunCommand(RunId);

/// <summary>A run whose node stopped (crash, restart) is completed as an internal error with the reason: never left running.</summary>
public sealed record AbandonRun(string RunId, string Reason, DateTimeOffset At) : RunCommand(RunId);

/// <summary>The pure decisions of the run lifecycle: a command and the room's runs state in, events or a rejection out.</summary>
public static class RunDecider
{
    public static RunDecision Decide(RunCommand command, RoomRunsState state)
    {
        state.Runs.TryGetValue(command.RunId, out var run);
        return command switch
        {
            RequestRun c when run is not null => RunDecision.Reject("run-exists", $"Run {c.RunId} was already requested."),
            RequestRun c when state.Unfinished >= c.MaxUnfinishedPerRoom => RunDecision.Reject("too-many-runs",
                $"This room already has {state.Unfinished} runs waiting or running (the limit is {c.MaxUnfinishedPerRoom}); wait for one to finish."),
            RequestRun c => RunDecision.Accept(
                new RunRequested(c.RunId, c.Language, c.Code, Sha256(c.Code), c.Stdin, c.Tests, c.RequestedBy, c.At),
                new RunQueued(c.RunId, state.Unfinished, c.At)),
            _ when run is null => RunDecision.Reject("unknown-run", $"There is no run {command.RunId} in this room."),
            _ when run.Status == RunStatus.Completed => RunDecision.Reject("run-completed", $"Run {command.RunId} has already completed."),
            StartRun when run.Status == RunStatus.Running => RunDecision.Reject("run-started", $"Run {command.RunId} is already running on {run.Node}."),
            StartRun c => RunDecision.Accept(new RunStarted(c.RunId, c.Node, c.At)),
            RecordOutput when run.Status != RunStatus.Running => RunDecision.Reject("run-not-running", $"Run {command.RunId} is not running."),
            RecordOutput c when c.Stream is not ("stdout" or "stderr") => RunDecision.Reject("bad-stream", $"'{c.Stream}' is not stdout or stderr."),
            RecordOutput c => RunDecision.Accept(new RunOutput(c.RunId, run.NextOutputSeq, c.Stream, c.Text)),
            CompleteRun when run.Status != RunStatus.Running => RunDecision.Reject("run-not-running", $"Run {command.RunId} is not running."),
            CompleteRun c => RunDecision.Accept(new RunCompleted(c.RunId, c.ExitCode, c.Verdict, c.WallMs, c.CpuMs, c.PeakMemoryKb, c.OutputTruncated, c.Tests, c.Detail, c.At)),
            AbandonRun c => RunDecision.Accept(new RunCompleted(c.RunId, null, RunVerdict.InternalError, 0, null, null, false, [], c.Reason, c.At)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "unknown run command"),
        };
    }

    public static string Sha256(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
