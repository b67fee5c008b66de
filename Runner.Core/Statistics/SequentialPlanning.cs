using MathNet.Numerics.RootFinding;

namespace Runner.Core.Statistics;

/// <summary>The seeds per arm a sequential design is expected to run when the true difference is <see cref="TrueDifference"/>.</summary>
public sealed record ExpectedSeeds(double TrueDifference, double RunsPerArm, double ChanceOfStoppingEarly);

/// <summary>
/// A sequential design sized for a difference: the most seeds per arm it may run (with equally spaced
/// looks), the fixed design's seeds for the same power, the boundaries, and the expected seeds per arm at
/// true differences 0, δ/2 and δ. Computed by the recursive integration with the normal approximation to
/// the t statistic; expected seeds count stops for a difference only (stopping for equivalence saves more).
/// </summary>
public sealed record SequentialPlan(
    int Looks, string Spending, double AlphaPerComparison, int MaxRunsPerArm, double FixedRunsPerArm, IReadOnlyList<int> SeedsAtLooks,
    IReadOnlyList<Look> Boundaries, IReadOnlyList<ExpectedSeeds> Expected);

public static class SequentialPlanning
{
    public static SequentialPlan For(double sd, double difference, double power, double alpha, int comparisons, int looks, Spending spending)
    {
        var comparisonAlpha = alpha / Math.Max(1, comparisons);
        var boundaries = GroupSequential.Boundaries(GroupSequential.EqualFractions(looks), comparisonAlpha, spending);
        var fixedDesign = GroupSequential.Boundaries([1.0], comparisonAlpha, spending);
        double Drift(double n, double delta) => Math.Abs(delta) / sd * Math.Sqrt(n / 2);
        double Power(IReadOnlyList<Look> design, double n) => GroupSequential.StoppingProbabilities(design, Drift(n, difference)).Sum();
        double Needed(IReadOnlyList<Look> design) => Brent.FindRoot(n => Power(design, n) - power, 1e-3, 1e8, 1e-6, 200);

        var maxRuns = Math.Max(2, (int)Math.Ceiling(Needed(boundaries)));
        var expected = new[] { 0, difference / 2, difference }.Select(delta =>
        {
            var stops = GroupSequential.StoppingProbabilities(boundaries, Drift(maxRuns, delta));
            var early = stops.Take(looks - 1).Sum();
            var fraction = boundaries.Take(looks - 1).Zip(stops).Sum(x => x.First.Fraction * x.Second) + (1 - early);
            return new ExpectedSeeds(delta, fraction * maxRuns, early);
        }).ToList();
        var seeds = Enumerable.Range(1, looks).Select(k => (int)Math.Ceiling((double)maxRuns * k / looks)).ToList();
        return new SequentialPlan(looks, AnalysisNames.NameOf(spending, AnalysisNames.Spendings), comparisonAlpha, maxRuns, Needed(fixedDesign), seeds, boundaries, expected);
    }
}
