namespace Runner.Api.Workers;

/// <summary>Section <c>Workers</c>.</summary>
public sealed class WorkersOptions
{
    public const string SectionName = "Workers";

    /// <summary>
    /// A worker whose last heartbeat is older than this is lost: reported so, and its running runs go back to the head
    /// of their queues. Workers beat every 5 s by default; keep a few beats of margin so that a busy worker is never taken for dead.
    /// </summary>
    public int LostAfterSeconds { get; set; } = 20;
}
