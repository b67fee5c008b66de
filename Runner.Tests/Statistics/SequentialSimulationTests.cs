using Runner.Core.Statistics;
using Xunit.Abstractions;

namespace Runner.Tests.Statistics;

/// <summary>
/// The sequential design's error rates by simulation (fixed seeds; normal run results at σ = 0.15 points,
/// 5 looks of 10 seeds, O'Brien–Fleming-type spending, family-wise α = 0.05 split over the arms).
/// </summary>
public sealed class SequentialSimulationTests(ITestOutputHelper output)
{
    private const double Sd = 0.0015;
    private const int Batches = 20_000;

    private static SequentialDesign Design(int arms, double? margin = null) =>
        new(SequentialDesign.EvenLooks(5, 50), Spending.OBrienFleming, 0.05, arms, margin);

    private static double TwoStandardErrors(double p) => 2 * Math.Sqrt(p * (1 - p) / Batches);

    private void Report(string name, SimulationSummary s) =>
        output.WriteLine($"{name}: family-wise error {s.FamilyWiseError:P2}; runs {s.MeanRuns:F1} of {s.FixedRuns} ({s.RunsSaved:P0} saved); " +
                         string.Join("; ", s.Arms.Select((a, i) => $"arm {i} (Δ {a.TrueDifference}): better {a.Better:P1}, worse {a.Worse:P1}, equivalent {a.Equivalent:P1}, undecided {a.Undecided:P1}, {a.MeanSeeds:F1} seeds, fixed power {s.FixedPower[i]:P1} (Holm {s.FixedHolmPower[i]:P1})")));

    [Theory]
    [InlineData(2, null)]
    [InlineData(4, null)]
    [InlineData(4, 0.001)]
    public void Under_the_null_the_family_wise_error_stays_within_alpha(int arms, double? margin)
    {
        var summary = SequentialSimulation.Run(Design(arms, margin), Enumerable.Repeat(0.0, arms).ToList(), Sd, Batches, seed: 11);
        Report($"null, {arms} arms, margin {margin}", summary);

        Assert.True(summary.FamilyWiseError <= 0.05 + TwoStandardErrors(0.05), $"family-wise error {summary.FamilyWiseError}");
    }

    [Fact]
    public void Alpha_recycled_from_arms_shown_different_keeps_the_family_wise_error_on_the_null_arms_within_alpha()
    {
        // Two large effects are shown different early and pass their α to the three null arms, which are then held to α/3.
        var summary = SequentialSimulation.Run(Design(5), [0.005, 0.004, 0, 0, 0], Sd, Batches, seed: 14);
        Report("two large effects, three null arms", summary);

        Assert.All(summary.Arms.Take(2), a => Assert.True(a.Better > 0.99));
        Assert.True(summary.FamilyWiseError <= 0.05 + TwoStandardErrors(0.05), $"family-wise error {summary.FamilyWiseError}");
        // Held to α/5 throughout, the three null arms would err about 3% of the time.
        Assert.True(summary.FamilyWiseError > 0.04, $"family-wise error {summary.FamilyWiseError}: nothing was recycled");
    }

    [Fact]
    public void Alpha_is_recycled_only_without_a_margin()
    {
        Assert.Equal(0.05 / 3, Design(5).ComparisonAlpha(shownDifferent: 2), 12);
        Assert.Equal(0.05, Design(5).ComparisonAlpha(shownDifferent: 4), 12);
        Assert.Equal(0.05 / 5, Design(5, margin: 0.001).ComparisonAlpha(shownDifferent: 2), 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Equivalence_is_wrongly_declared_at_most_alpha_of_the_time_at_the_margin(int arms)
    {
        var summary = SequentialSimulation.Run(Design(arms, margin: 0.001), Enumerable.Repeat(0.001, arms).ToList(), Sd, Batches, seed: 12);
        Report($"difference = margin, {arms} arms", summary);

        Assert.All(summary.Arms, a => Assert.True(a.Equivalent <= 0.05 + TwoStandardErrors(0.05), $"equivalent {a.Equivalent}"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Power_at_a_tenth_of_a_point_is_within_two_points_of_the_fixed_design_and_costs_fewer_seeds(int arms)
    {
        var summary = SequentialSimulation.Run(Design(arms), Enumerable.Repeat(0.001, arms).ToList(), Sd, Batches, seed: 13);
        Report($"difference 0.1 points, {arms} arms", summary);

        // The fixed design with the same recycling is Holm's step-down.
        Assert.All(summary.Arms.Zip(summary.FixedHolmPower), x => Assert.InRange(x.First.Better - x.Second, -0.02, 0.02));
        Assert.All(summary.Arms, a => Assert.True(a.MeanSeeds < 45, $"{a.MeanSeeds} seeds on average"));
        Assert.True(summary.RunsSaved > 0.1);
    }
}
