namespace Runner.Core.Batches;

/// <summary>Why a run's attempt failed (stored in <c>runs.error_kind</c> by its kebab-case name).</summary>
public enum RunErrorKind
{
    /// <summary>A failure that would happen again on every attempt (<see cref="DeterministicRunFailure"/>): failed at once.</summary>
    Deterministic,

    /// <summary>Any other error, once it has come back more often than the retries allow.</summary>
    Transient,

    /// <summary>The worker running it stopped sending heartbeats: the attempt is failed so the run can be retried.</summary>
    WorkerLost,
}
