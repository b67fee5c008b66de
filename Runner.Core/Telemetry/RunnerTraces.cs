using System.Diagnostics;

namespace Runner.Core.Telemetry;

/// <summary>
/// Runner's spans (one activity source named <see cref="SourceName"/>): "batch submit" in the API, a child of the
/// <c>POST /batches</c> request, whose context is stored on every run of the batch; and "run" in the worker, one per
/// attempt, a child of that submission. So one trace goes from the request through the Hangfire job to the training,
/// with each epoch an event of the run's span and the database commands of both as their children.
/// </summary>
public static class RunnerTraces
{
    public const string SourceName = "Runner";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's W3C trace context (<c>traceparent</c>), to be stored where work continues later; null when none is recorded.</summary>
    public static string? CurrentParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;
}
