namespace Runner.Api.Workers;

/// <summary>Section <c>Workers</c>.</summary>
public sealed class WorkersOptions
{
    public const string SectionName = "Workers";

    /// <summary>A worker whose last heartbeat is older than this is reported lost (workers beat every 5 s by default).</summary>
    public int LostAfterSeconds { get; set; } = 30;
}
