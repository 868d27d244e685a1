namespace PeerCode.Domain.Runs;

public enum RunStatus { Requested, Queued, Running, Completed }

/// <summary>One run as the room's events describe it.</summary>
public sealed record RunState(
    string RunId, string Language, string RequestedBy, RunStatus Status, string? Node, long NextOutputSeq,
    RunVerdict? Verdict, DateTimeOffset RequestedAt);

/// <summary>
/// The runs of one room (folded from the room stream's run events; other room events leave it unchanged).
/// </summary>
public sealed record RoomRunsState(IReadOnlyDictionary<string, RunState> Runs)
{
    public static RoomRunsState Initial { get; } = new(new Dictionary<string, RunState>());

    /// <summary>Runs requested but not completed: what the per-room rate limit counts.</summary>
    public int Unfinished => Runs.Values.Count(r => r.Status != RunStatus.Completed);

    public static RoomRunsState Evolve(RoomRunsState state, object @event) => @event switch
    {
        RunRequested e => state.With(new RunState(e.RunId, e.Language, e.RequestedBy, RunStatus.Requested, null, 0, null, e.At)),
        RunQueued e => state.Update(e.RunId, r => r with { Status = RunStatus.Queued }),
        RunStarted e => state.Update(e.RunId, r => r with { Status = RunStatus.Running, Node = e.Node }),
        RunOutput e => state.Update(e.RunId, r => r with { NextOutputSeq = e.Seq + 1 }),
        RunCompleted e => state.Update(e.RunId, r => r with { Status = RunStatus.Completed, Verdict = e.Verdict }),
        _ => state,
    };

    private RoomRunsState With(RunState run) => new(new Dictionary<string, RunState>(Runs) { [run.RunId] = run });

    private RoomRunsState Update(string runId, Func<RunState, RunState> change) =>
        Runs.TryGetValue(runId, out var run) ? With(change(run)) : this;
}
