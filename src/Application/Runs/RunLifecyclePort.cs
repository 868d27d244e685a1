using PeerCode.Domain.Runs;

namespace PeerCode.Application.Runs;

/// <summary>
/// What a run job needs from the rest of the system: the recorded request, and a way to decide and append the
/// lifecycle events to the room's stream (load the room's runs state, <see cref="RunDecider.Decide"/>, append with
/// the expected revision, fan out to the room). The integrator implements it over the event store port; the job
/// tests implement it in memory.
/// </summary>
public interface IRunLifecycle
{
    /// <summary>The run's <see cref="RunRequested"/> event, or null when the room has no such run.</summary>
    Task<RunRequested?> GetRequestAsync(string roomId, string runId, CancellationToken ct);

    /// <summary>Decides the command against the room's current runs state and appends the resulting events.</summary>
    Task<RunDecision> HandleAsync(string roomId, RunCommand command, CancellationToken ct);
}
