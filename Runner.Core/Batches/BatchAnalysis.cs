using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary>
/// <c>GET /batches/{id}/analysis</c>: the statistics over the runs finished so far, saying how many runs
/// it rests on (it is available while the batch still runs).
/// </summary>
public sealed record BatchAnalysis(long BatchId, string Batch, BatchStatus Status, int RunsTotal, int RunsFinished, int RunsUsed, string BasedOn, AnalysisResult Analysis)
{
    /// <param name="provenance">Where each arm's runs ran and in what precision: the analysis notes when that is not the same throughout.</param>
    public static BatchAnalysis For(BatchRecord batch, IReadOnlyList<ArmSamples> arms, AnalysisSettings settings, Metric metric, IReadOnlyList<RunProvenance>? provenance = null)
    {
        var used = arms.Sum(a => a.Finite.Count);
        var basedOn = $"{used} of {batch.Runs.Total} runs with a value of {metric.Name}"
            + (batch.Status.IsActive() ? $"; the batch is still {batch.Status.Name()} ({batch.Runs.Finished} of {batch.Runs.Total} runs finished), so this is an interim analysis." : ".");
        var analysis = AblationAnalysis.Analyze(arms, batch.Baseline, settings, metric.Name);
        if (provenance is { Count: > 0 } && RunProvenance.Notes(provenance) is { Count: > 0 } notes)
            analysis = analysis with { Notes = [.. analysis.Notes, .. notes] };
        return new BatchAnalysis(batch.Id, batch.Name, batch.Status, batch.Runs.Total, batch.Runs.Finished, used, basedOn, analysis);
    }
}
