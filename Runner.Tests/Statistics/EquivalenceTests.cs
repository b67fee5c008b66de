using Runner.Core.Statistics;
using static Runner.Tests.Statistics.ReferenceData;
using TDistribution = MathNet.Numerics.Distributions.StudentT;

namespace Runner.Tests.Statistics;

/// <summary>Equivalence (TOST) against the two one-sided Welch tests worked out by hand, and the verdicts it gives.</summary>
public sealed class EquivalenceTests
{
    private static ArmSamples Arm(string name, IEnumerable<double> values) => new(name, values.Select(v => (double?)v).ToList());

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(10.0)]
    public void TOST_is_the_two_one_sided_Welch_tests_on_the_R_sleep_data(double margin)
    {
        // By hand: Welch's standard error and degrees of freedom, then t-tests of H0: d ≤ −δ and H0: d ≥ +δ.
        double Mean(double[] x) => x.Average();
        double Var(double[] x) => x.Sum(v => (v - Mean(x)) * (v - Mean(x))) / (x.Length - 1);
        var (va, vb) = (Var(SleepGroup1) / 10, Var(SleepGroup2) / 10);
        var se = Math.Sqrt(va + vb);
        var df = (va + vb) * (va + vb) / (va * va / 9 + vb * vb / 9);
        var d = Mean(SleepGroup1) - Mean(SleepGroup2);
        var t = new TDistribution(0, 1, df);
        var pLower = 1 - t.CumulativeDistribution((d + margin) / se);
        var pUpper = t.CumulativeDistribution((d - margin) / se);

        var welch = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Welch, 0.95);
        var tost = Equivalence.Test(welch, margin, 0.95);

        Assert.Equal(-1.58, d, 12);
        Assert.Equal(17.77647, df, 4); // R: t.test(extra ~ group, data = sleep)
        Assert.Equal(pLower, tost.PLower!.Value, 9);
        Assert.Equal(pUpper, tost.PUpper!.Value, 9);
        Assert.Equal(Math.Max(pLower, pUpper), tost.P!.Value, 9);
        var half = t.InverseCumulativeDistribution(0.95) * se;
        Assert.Equal(d - half, tost.CiLow!.Value, 6);
        Assert.Equal(d + half, tost.CiHigh!.Value, 6);
        // Equivalent exactly when the 90% interval lies inside the margin.
        Assert.Equal(tost.P <= 0.05, -margin < d - half && d + half < margin);
    }

    [Fact]
    public void With_a_margin_a_comparison_is_better_worse_equivalent_or_undecided()
    {
        var random = new Random(5);
        double[] Noise(double mean, int n) => Enumerable.Range(0, n).Select(_ => mean + 0.0015 * (random.NextDouble() - 0.5) * 3.4).ToArray();
        var arms = new[]
        {
            Arm("base", Noise(0.940, 40)),
            Arm("same", Noise(0.940, 40)),
            Arm("better", Noise(0.945, 40)),
            Arm("worse", Noise(0.935, 40)),
            Arm("unclear", Noise(0.9405, 3)),
        };

        var result = AblationAnalysis.Analyze(arms, "base", new AnalysisSettings { Margin = 0.0015 });
        var verdicts = result.Comparisons.ToDictionary(c => c.Arm, c => c.Verdict);

        Assert.Equal((Verdict.Equivalent, Verdict.Better, Verdict.Worse, Verdict.Undecided),
            (verdicts["same"], verdicts["better"], verdicts["worse"], verdicts["unclear"]));
        Assert.All(result.Comparisons, c => Assert.NotNull(c.Equivalence));
        Assert.Equal(0.0015, result.Margin);
        Assert.Equal("equivalent within ±0.0015", Verdict.Equivalent.Describe(result.Margin));
        Assert.Contains("TOST p", AnalysisTable.Render(result));

        var withoutMargin = AblationAnalysis.Analyze(arms, "base", new AnalysisSettings());
        Assert.Equal(Verdict.NoSignificantDifference, withoutMargin.Comparisons.Single(c => c.Arm == "same").Verdict);
        Assert.All(withoutMargin.Comparisons, c => Assert.Null(c.Equivalence));
    }

    [Fact]
    public void Equivalence_p_values_are_adjusted_like_the_difference_tests()
    {
        var arms = new[] { Arm("base", [1, 2, 3, 4]), Arm("a", [1.1, 2.1, 2.9, 4.2]), Arm("b", [0.9, 2.2, 3.1, 3.9]) };
        var result = AblationAnalysis.Analyze(arms, "base", new AnalysisSettings { Margin = 2, Correction = Correction.Bonferroni });

        Assert.All(result.Comparisons, c => Assert.Equal(Math.Min(1, 2 * c.Equivalence!.P!.Value), c.EquivalencePAdjusted!.Value, 12));
    }

    [Fact]
    public void A_margin_must_be_positive() =>
        Assert.Contains("margin", AblationAnalysis.Validate([Arm("a", [1, 2])], null, new AnalysisSettings { Margin = 0 }).Keys);
}
