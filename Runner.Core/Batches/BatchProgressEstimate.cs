using System.Text.Json.Serialization;

namespace Runner.Core.Batches;

/// <summary>What a batch's estimate of the time left rests on (JSON as the names say).</summary>
public enum EstimateSource
{
    [JsonStringEnumMemberName("finished runs")] FinishedRuns,
    [JsonStringEnumMemberName("the steps of running runs")] RunningSteps,
}

/// <summary>A running run: seconds since it started and the share of its training steps done (null before its first progress write).</summary>
public sealed record RunningRun(double Seconds, double? StepFraction);

/// <summary>
/// Progress in runs and an estimate of the time left: from the runs finished so far, or, before any has
/// finished, from the steps of the running ones (a run 30% through after 30 s takes about 100 s).
/// </summary>
public sealed record BatchProgressEstimate(double Fraction, double? MeanRunSeconds, double? SecondsLeft, int Parallelism, EstimateSource? EstimatedFrom)
{
    /// <summary>Below this share of its steps a running run says too little about its length.</summary>
    private const double LeastStepFraction = 0.02;

    public static BatchProgressEstimate For(RunCounts counts, IReadOnlyList<double> finishedSeconds, IReadOnlyList<RunningRun> running)
    {
        var fraction = counts.Total == 0 ? 1 : (double)counts.Finished / counts.Total;
        var projected = running.Where(r => r.StepFraction >= LeastStepFraction).Select(r => r.Seconds / r.StepFraction!.Value).ToList();
        var (mean, source) = finishedSeconds.Count > 0 ? (finishedSeconds.Average(), EstimateSource.FinishedRuns)
            : projected.Count > 0 ? (projected.Average(), EstimateSource.RunningSteps)
            : (double.NaN, (EstimateSource?)null);
        if (source is null)
            return new BatchProgressEstimate(fraction, null, null, running.Count, null);
        var parallel = Math.Max(1, running.Count);
        var work = counts.Queued * mean + running.Sum(r => r.StepFraction is >= LeastStepFraction and var f
            ? r.Seconds * (1 - f) / f
            : Math.Max(0, mean - r.Seconds));
        return new BatchProgressEstimate(fraction, mean, work / parallel, running.Count, source);
    }
}
