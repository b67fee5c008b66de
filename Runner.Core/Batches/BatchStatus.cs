using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>The statuses of a batch (stored in <c>batches.status</c> and written in JSON by their lower-case names).</summary>
public enum BatchStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>The statuses of a run (stored in <c>runs.status</c> and written in JSON by their lower-case names).</summary>
public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

public static class Statuses
{
    public static readonly IReadOnlyList<BatchStatus> AllBatch = Enum.GetValues<BatchStatus>();

    /// <summary>The names of the batch statuses, for query filters.</summary>
    public static readonly IReadOnlyList<string> BatchNames = [.. AllBatch.Select(s => s.Name())];

    /// <summary>The names of the run statuses, for query filters.</summary>
    public static readonly IReadOnlyList<string> RunNames = [.. Enum.GetValues<RunStatus>().Select(s => s.Name())];

    /// <summary>Not finished yet: runs are still queued or running.</summary>
    public static bool IsActive(this BatchStatus status) => status is BatchStatus.Queued or BatchStatus.Running;

    /// <summary>The name as stored and shown: "queued", "succeeded".</summary>
    public static string Name(this BatchStatus status) => JsonNames.Of(status);

    public static string Name(this RunStatus status) => JsonNames.Of(status);

    /// <summary>A batch status by its name; null for anything else (a query's filter).</summary>
    public static BatchStatus? BatchStatusNamed(string? name) => AllBatch.Cast<BatchStatus?>().FirstOrDefault(s => s!.Value.Name() == name);
}
