using Runner.Core.Batches;
using Runner.Core.Statistics;
using Runner.Core.Validation;
using static Runner.Api.Pages.PageFormat;

namespace Runner.Api.Pages;

/// <summary>The batch page's sentences: progress with the time left, the comparisons' headlines and the list's one-line results.</summary>
public static class BatchText
{
    public static string ProgressText(BatchDetail detail)
    {
        var r = detail.Batch.Runs;
        var from = detail.Progress.EstimatedFrom is EstimateSource.RunningSteps ? $" (estimated from {JsonNames.Of(EstimateSource.RunningSteps)})" : "";
        var left = detail.Progress.SecondsLeft is { } s && detail.Batch.Status.IsActive() ? $"; about {Duration(s)} left{from}" : "";
        var mean = detail.Progress.MeanRunSeconds is { } m ? $"; {(from.Length > 0 ? "expected" : "mean")} run {Duration(m)}" : "";
        var ahead = detail.RunsAhead is > 0 and var n ? $"; {n} queued runs of other batches go first on the {detail.Batch.Queue} workers" : "";
        return $"{r.Finished} of {r.Total} runs finished: {r.Succeeded} done, {r.Running} running, {r.Queued} queued, {r.Failed} failed, {r.Cancelled} cancelled{mean}{left}{ahead}.";
    }

    /// <summary>
    /// One comparison in a sentence, in the metric's units: the difference with its interval, the adjusted p, the
    /// paired p beside it; then the verdict; then, when nothing was shown, the runs the observed difference would need.
    /// </summary>
    public static (string Statement, string Verdict, string Resolve) Headline(ArmComparison c, AnalysisResult analysis, MetricFormat format)
    {
        var t = c.Test;
        var level = Pct(analysis.Level * 100);
        var name = JsonNames.Of(analysis.Correction);
        var correction = char.ToUpperInvariant(name[0]) + name[1..];
        var interval = t.CiLow is { } lo && t.CiHigh is { } hi ? $" ({level}% CI {format.Difference(lo)} … {format.Difference(hi)})" : "";
        var p = c.PAdjusted is { } adjusted ? $", {correction} {MetricFormat.PIs(adjusted)}" : "";
        var paired = c.Paired?.PTwoSided is { } pp ? $" (paired {MetricFormat.PIs(pp)})" : "";
        var resolve = c.Verdict is Verdict.NoSignificantDifference or Verdict.Undecided && c.RunsPerArmToDetectObserved is { } n
            ? $"; about {Math.Ceiling(n):0} runs per arm would resolve the observed difference" : "";
        return ($"{c.Arm} − {c.Against} = {format.Difference(t.Difference ?? double.NaN)}{interval}{p}{paired}: ", c.Verdict.Describe(analysis.Margin), resolve);
    }

    /// <summary>A batch's result in one line for the batch list: its clearest comparison (smallest adjusted p) and how many arms were shown different.</summary>
    public static string? ListHeadline(AnalysisResult analysis, MetricFormat format)
    {
        var tested = analysis.Comparisons.Where(c => c.Test.Difference is not null).ToList();
        if (tested.Count == 0)
            return null;
        var clearest = tested.MinBy(c => c.PAdjusted ?? 1)!;
        var shown = tested.Count(c => c.Verdict is Verdict.Better or Verdict.Worse);
        var p = clearest.PAdjusted is { } adjusted ? $", {MetricFormat.PIs(adjusted)}" : "";
        return $"{clearest.Arm}: {format.Difference(clearest.Test.Difference!.Value)}{p}, {clearest.Verdict.Describe(analysis.Margin)} ({shown} of {tested.Count} arms differ)";
    }

    /// <summary>A factorial batch's result in one line for the batch list: its clearest effect (smallest adjusted p) and how many main effects are significant.</summary>
    public static string? ListHeadline(FactorialBatchAnalysis analysis, MetricFormat format)
    {
        var effects = analysis.Analysis.MainEffects.Concat(analysis.Analysis.Interactions).Where(e => e.AdjustedP is not null).ToList();
        if (effects.Count == 0)
            return null;
        var clearest = effects.MinBy(e => e.AdjustedP)!;
        var mains = analysis.Analysis.MainEffects;
        return $"{clearest.Term} ({clearest.Label}): {format.Difference(clearest.Estimate)}, {MetricFormat.PIs(clearest.AdjustedP)} ({mains.Count(e => e.Significant)} of {mains.Count} main effects significant)";
    }
}
