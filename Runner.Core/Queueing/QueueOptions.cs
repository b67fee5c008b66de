using Microsoft.Extensions.Configuration;

namespace Runner.Core.Queueing;

/// <summary>Hangfire storage settings, section <c>Queue</c> (environment: <c>Queue__InvisibilityTimeoutSeconds</c>, …).</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>
    /// With the sliding timeout, a live worker refreshes its fetched job every fifth of this, so this is
    /// how long a job of a dead worker (SIGKILL, lost node) stays invisible before another worker takes it.
    /// </summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 60;

    /// <summary>Fallback polling; LISTEN/NOTIFY wakes idle workers as soon as a job is enqueued.</summary>
    public int PollIntervalSeconds { get; set; } = 5;

    public string SchemaName { get; set; } = "hangfire";

    public static QueueOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<QueueOptions>() ?? new QueueOptions();
}
