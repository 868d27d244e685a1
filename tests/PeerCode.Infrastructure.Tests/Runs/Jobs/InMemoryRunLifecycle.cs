using PeerCode.Application.Runs;
using PeerCode.Domain.Runs;

namespace PeerCode.Infrastructure.Tests.Runs.Jobs;

/// <summary>The run lifecycle port over an in-memory list of room events, deciding with the real <see cref="RunDecider"/>.</summary>
public sealed class InMemoryRunLifecycle : IRunLifecycle
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<RunEvent>> _rooms = new();
    private int _running;

    public int MaxConcurrentlyRunning { get; private set; }

    public TaskCompletionSource AllCompleted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expectedCompletions;

    public void ExpectCompletions(int count)
    {
        _expectedCompletions = count;
        AllCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public IReadOnlyList<RunEvent> Events(string roomId)
    {
        lock (_gate) return _rooms.TryGetValue(roomId, out var l) ? l.ToList() : [];
    }

    public RunDecision Request(string roomId, RequestRun command) => Handle(roomId, command);

    public Task<RunRequested?> GetRequestAsync(string roomId, string runId, CancellationToken ct) =>
        Task.FromResult(Events(roomId).OfType<RunRequested>().FirstOrDefault(e => e.RunId == runId));

    public Task<RunDecision> HandleAsync(string roomId, RunCommand command, CancellationToken ct) => Task.FromResult(Handle(roomId, command));

    private RunDecision Handle(string roomId, RunCommand command)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var events)) _rooms[roomId] = events = [];
            var state = events.Aggregate(RoomRunsState.Initial, (s, e) => RoomRunsState.Evolve(s, e));
            var decision = RunDecider.Decide(command, state);
            events.AddRange(decision.Events);
            foreach (var e in decision.Events)
            {
                if (e is RunStarted) MaxConcurrentlyRunning = Math.Max(MaxConcurrentlyRunning, ++_running);
                if (e is RunCompleted)
                {
                    if (state.Runs[e.RunId].Status == RunStatus.Running) _running--;
                    if (--_expectedCompletions == 0) AllCompleted.TrySetResult();
                }
            }
            return decision;
        }
    }
}
