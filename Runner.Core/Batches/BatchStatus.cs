namespace Runner.Core.Batches;

/// <summary>The statuses of a batch (as stored in <c>batches.status</c>).</summary>
public static class BatchStatus
{
    public static readonly IReadOnlyList<string> All = ["queued", "running", "completed", "failed", "cancelled"];

    /// <summary>Not finished yet: runs are still queued or running.</summary>
    public static bool IsActive(string status) => status is "queued" or "running";
}

/// <summary>The statuses of a run (as stored in <c>runs.status</c>).</summary>
public static class RunStatus
{
    public static readonly IReadOnlyList<string> All = ["queued", "running", "succeeded", "failed", "cancelled"];
}
