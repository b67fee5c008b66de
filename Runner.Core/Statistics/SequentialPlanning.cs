using MathNet.Numerics.RootFinding;

namespace Runner.Core.Statistics;

/// <summary>The seeds per arm a sequential design is expected to run when the true difference is <see cref="TrueDifference"/>.</summary>
public sealed record ExpectedSeeds(double TrueDifference, double RunsPerArm, double ChanceOfStoppingEarly);

/// <summary>
/// A sequential design for a difference: the most seeds per arm it may run, the fixed design's seeds for the
/// same power, the boundaries, the power it has at its most seeds, and the expected seeds per arm at true
/// differences 0, δ/2 and δ. Either sized (equally spaced looks, the most seeds found for the power) or
/// evaluated at given looks. Computed by the recursive integration with the normal approximation to the t
/// statistic; expected seeds count stops for a difference only (stopping for equivalence saves more).
/// </summary>
public sealed record SequentialPlan(
    int Looks, Spending Spending, double AlphaPerComparison, int MaxRunsPerArm, double FixedRunsPerArm, IReadOnlyList<int> SeedsAtLooks,
    IReadOnlyList<Look> Boundaries, double Power, IReadOnlyList<ExpectedSeeds> Expected);

public static class SequentialPlanning
{
    /// <summary>The design with <paramref name="looks"/> equally spaced looks and the fewest seeds that give <paramref name="power"/>.</summary>
    public static SequentialPlan For(double sd, double difference, double power, double alpha, int comparisons, int looks, Spending spending)
    {
        var design = new Sizing(sd, difference, power, alpha / Math.Max(1, comparisons), spending);
        var boundaries = GroupSequential.Boundaries(GroupSequential.EqualFractions(looks), design.ComparisonAlpha, spending);
        var maxRuns = Math.Max(2, (int)Math.Ceiling(design.Needed(boundaries)));
        var seeds = Enumerable.Range(1, looks).Select(k => (int)Math.Ceiling((double)maxRuns * k / looks)).ToList();
        return design.Plan(boundaries, seeds, maxRuns);
    }

    /// <summary>The design that looks at the given seeds per arm (increasing; the last is its most): its boundaries, power and expected seeds.</summary>
    public static SequentialPlan At(double sd, double difference, double power, double alpha, int comparisons, IReadOnlyList<int> seedsAtLooks, Spending spending)
    {
        var design = new Sizing(sd, difference, power, alpha / Math.Max(1, comparisons), spending);
        var maxRuns = seedsAtLooks[^1];
        var boundaries = GroupSequential.Boundaries(seedsAtLooks.Select(n => (double)n / maxRuns).ToList(), design.ComparisonAlpha, spending);
        return design.Plan(boundaries, seedsAtLooks, maxRuns);
    }

    private sealed record Sizing(double Sd, double Difference, double TargetPower, double ComparisonAlpha, Spending Spending)
    {
        private double Drift(double n, double delta) => Math.Abs(delta) / Sd * Math.Sqrt(n / 2);

        private double Power(IReadOnlyList<Look> design, double n) => GroupSequential.StoppingProbabilities(design, Drift(n, Difference)).Sum();

        public double Needed(IReadOnlyList<Look> design) => Brent.FindRoot(n => Power(design, n) - TargetPower, 1e-3, 1e8, 1e-6, 200);

        public SequentialPlan Plan(IReadOnlyList<Look> boundaries, IReadOnlyList<int> seeds, int maxRuns)
        {
            var looks = boundaries.Count;
            var expected = new[] { 0, Difference / 2, Difference }.Select(delta =>
            {
                var stops = GroupSequential.StoppingProbabilities(boundaries, Drift(maxRuns, delta));
                var early = stops.Take(looks - 1).Sum();
                var fraction = boundaries.Take(looks - 1).Zip(stops).Sum(x => x.First.Fraction * x.Second) + (1 - early);
                return new ExpectedSeeds(delta, fraction * maxRuns, early);
            }).ToList();
            var fixedDesign = GroupSequential.Boundaries([1.0], ComparisonAlpha, Spending);
            return new SequentialPlan(looks, Spending, ComparisonAlpha, maxRuns, Needed(fixedDesign),
                seeds, boundaries, Power(boundaries, maxRuns), expected);
        }
    }
}
