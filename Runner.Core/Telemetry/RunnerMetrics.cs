using System.Diagnostics.Metrics;

namespace Runner.Core.Telemetry;

/// <summary>
/// Runner's own OpenTelemetry instruments (System.Diagnostics.Metrics, one meter named <see cref="MeterName"/>): a
/// worker counts and times its run attempts and its heartbeats; the API times analyses and observes queues, runs and
/// workers in the database when it is scraped (<see cref="DatabaseGauges"/>). Names follow OpenTelemetry's
/// conventions; Prometheus shows <c>runner.runs.started</c> as <c>runner_runs_started_total</c>.
/// </summary>
public static class RunnerMetrics
{
    public const string MeterName = "Runner";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("runner.runs.started", "{run}", "Run attempts started");

    public static readonly Counter<long> RunsRetried = Meter.CreateCounter<long>("runner.runs.retried", "{run}",
        "Run attempts started after a run's first (its worker was lost, or a transient failure)");

    /// <summary>Tagged with <c>status</c>: succeeded, failed or cancelled (the run's status names).</summary>
    public static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>("runner.runs.finished", "{run}", "Run attempts finished, by the run's status");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("runner.run.duration", "s", "Wall time of a finished run attempt, from its claim");

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("runner.run.queue_wait", "s", "From a run's submission to the start of an attempt");

    public static readonly Counter<long> Heartbeats = Meter.CreateCounter<long>("runner.worker.heartbeats", "{heartbeat}", "Worker heartbeats recorded");

    public static readonly Histogram<double> AnalysisDuration = Meter.CreateHistogram<double>("runner.analysis.duration", "s", "Time to answer a batch's analysis");
}
