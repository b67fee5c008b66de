namespace Runner.Api.Workers;

/// <summary>Section <c>Workers</c>.</summary>
public sealed class WorkersOptions
{
    public const string SectionName = "Workers";

    /// <summary>
    /// A worker whose last heartbeat is older than this is lost: reported so, and its running runs go back to the head
    /// of their queues. Workers beat every 2 s by default (a beat is on a timer of its own, not between training
    /// steps); five missed beats make one lost, so that a busy worker is never taken for dead.
    /// </summary>
    public int LostAfterSeconds { get; set; } = 10;
}
