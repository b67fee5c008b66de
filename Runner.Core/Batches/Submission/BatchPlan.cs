using Runner.Core.Factorial;
using Runner.Core.Queueing;
using Runner.Core.Recipes;
using Runner.Core.Statistics;

namespace Runner.Core.Batches;

public sealed record PlannedArm(string Name, bool IsBaseline, Variant Variant, Recipe Recipe);

public sealed record PlannedRun(PlannedArm Arm, long Seed, int Position);

/// <summary>A validated batch: every arm's recipe, the seeds all arms share, the analysis defaults, and a factorial batch's design (its arms are the design's configurations).</summary>
public sealed record BatchPlan(
    string Name,
    IReadOnlyList<PlannedArm> Arms,
    IReadOnlyList<long> Seeds,
    string Baseline,
    Metric Metric,
    double Level,
    double? Margin,
    Correction Correction,
    UnpairedTest Test,
    string Queue,
    Priority Priority,
    string? Data,
    SequentialDesign? Sequential,
    FactorialPlan? Factorial = null)
{
    /// <summary>
    /// Seed by seed, every arm in turn: runs are enqueued (and so executed) in this order, so a batch
    /// stopped halfway has about as many runs of every arm, paired by seed.
    /// </summary>
    public IReadOnlyList<PlannedRun> Runs =>
        Seeds.SelectMany((seed, s) => Arms.Select((arm, a) => new PlannedRun(arm, seed, s * Arms.Count + a))).ToList();
}
