namespace Runner.Core.Batches;

/// <summary>A failure that would happen again on every attempt (invalid recipe, missing data): the run fails at once, without retries.</summary>
public sealed class DeterministicRunFailure(string message, Exception? inner = null) : Exception(message, inner);
