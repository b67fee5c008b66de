using Runner.Core.Factorial;
using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary>
/// <c>GET /batches/{id}/analysis</c> of a factorial batch: the design, and every main effect and estimable interaction
/// chain of the metric over the runs finished so far (<see cref="FactorialAnalysis"/>), saying how many runs it rests on.
/// </summary>
public sealed record FactorialBatchAnalysis(
    long BatchId, string Batch, BatchStatus Status, int RunsTotal, int RunsFinished, int RunsUsed, string BasedOn, string Metric, double Level,
    Correction Correction, FactorialDescription Design, FactorialResult Analysis)
{
    /// <param name="arms">The batch's arms in position order: arm i ran configuration i.</param>
    public static FactorialBatchAnalysis For(BatchRecord batch, FactorialPlan plan, IReadOnlyList<ArmSamples> arms, Metric metric, double level, Correction correction)
    {
        var observations = arms.SelectMany((arm, configuration) => arm.Seeded.Select(s => new FactorialObservation(configuration, s.Seed, s.Value))).ToList();
        var basedOn = $"{observations.Count} of {batch.Runs.Total} runs with a value of {metric.Name}"
            + (batch.Status.IsActive() ? $"; the batch is still {batch.Status.Name()} ({batch.Runs.Finished} of {batch.Runs.Total} runs finished), so this is an interim analysis." : ".");
        var result = FactorialAnalysis.Analyze(plan.Design, observations, plan.Factors.Select(f => f.Name).ToList(), plan.Factors.Select(f => f.BaseLevel).ToList(), level, correction);
        var missing = arms.Sum(a => a.Missing + a.Failed + a.Cancelled);
        if (missing > 0)
            result = result with { Notes = [.. result.Notes, $"{missing} runs without a value (failed, cancelled or missing) left out; the design is then unbalanced and the estimates no longer independent."] };
        return new FactorialBatchAnalysis(batch.Id, batch.Name, batch.Status, batch.Runs.Total, batch.Runs.Finished, observations.Count, basedOn, metric.Name, level,
            correction, FactorialDescription.Of(plan), result);
    }
}
