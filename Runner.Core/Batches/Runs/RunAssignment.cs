namespace Runner.Core.Batches;

/// <summary>What a worker needs to execute one claimed attempt of a run.</summary>
public sealed record RunAssignment
{
    public long RunId { get; init; }
    public long BatchId { get; init; }
    public int Attempt { get; init; }
    public long Seed { get; init; }
    /// <summary>The canonical recipe as validated and stored at submission.</summary>
    public string RecipeJson { get; init; } = "";

    /// <summary>Its SHA-256 as stored at submission: the worker checks it instead of validating the recipe again.</summary>
    public string RecipeHash { get; init; } = "";

    public string? Data { get; init; }

    /// <summary>When the run was submitted (its queue wait is measured from here).</summary>
    public DateTime QueuedAt { get; init; }

    /// <summary>The submission's W3C trace context: each attempt's span is its child.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>The outcome of trying to claim a run for an execution.</summary>
public enum ClaimOutcome
{
    /// <summary>Claimed: this execution owns the run under a new attempt number.</summary>
    Claimed,

    /// <summary>The run is finished or cancelled: a re-delivered or stale job has nothing to do.</summary>
    NothingToDo,

    /// <summary>Workers died running it too often; it is marked failed instead of being tried again.</summary>
    GaveUp,
}
