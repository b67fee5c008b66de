using Runner.Core.Statistics;
using static Runner.Tests.Statistics.ReferenceData;

namespace Runner.Tests.Statistics;

public sealed class CorrectionAndPowerTests
{
    [Fact]
    public void Holm_matches_R_on_the_Benjamini_Hochberg_example()
    {
        double[] expected = [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1];
        var adjusted = PValueAdjustment.Adjust(BenjaminiHochbergP, Correction.Holm);
        Assert.Equal(expected, adjusted.Select(x => Math.Round(x, 10)));
        Assert.Equal(3, adjusted.Count(p => p <= 0.05));
    }

    [Fact]
    public void Benjamini_Hochberg_matches_R_and_rejects_four()
    {
        double[] expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.063857, 0.063857, 0.0645, 0.0765, 0.486, 0.581182, 0.714875, 0.753231, 0.813214, 1];
        var adjusted = PValueAdjustment.Adjust(BenjaminiHochbergP, Correction.BenjaminiHochberg);
        Assert.Equal(expected, adjusted.Select(x => Math.Round(x, 6)));
        Assert.Equal(4, adjusted.Count(p => p <= 0.05));
        Assert.Equal(3, PValueAdjustment.Adjust(BenjaminiHochbergP, Correction.Bonferroni).Count(p => p <= 0.05));
    }

    [Fact]
    public void Adjustment_keeps_the_order_of_the_input()
    {
        double[] shuffled = [0.0459, 0.0001, 1.0, 0.0095];
        var holm = PValueAdjustment.Adjust(shuffled, Correction.Holm);
        Assert.Equal([0.0918, 0.0004, 1.0, 0.0285], holm.Select(x => Math.Round(x, 10)));
    }

    [Fact]
    public void Power_matches_R_power_t_test_examples()
    {
        Assert.Equal(0.8689528, PowerAnalysis.Power(20, 1, 1, 0.05), 7);
        Assert.Equal(22.02110, PowerAnalysis.RunsPerArm(1, 1, 0.05, 0.90)!.Value, 4);
        Assert.Equal(17.84713, PowerAnalysis.RunsPerArm(1, 1, 0.05, 0.90, twoSided: false)!.Value, 4);
        Assert.Equal(63.76576, PowerAnalysis.RunsPerArm(0.5, 1, 0.05, 0.80)!.Value, 4);
    }

    [Theory]
    [InlineData(10, 1.325)]
    [InlineData(20, 0.909)]
    [InlineData(30, 0.736)]
    [InlineData(50, 0.566)]
    public void Minimum_detectable_effects_at_80_percent_power(int n, double d)
    {
        Assert.Equal(d, PowerAnalysis.MinimumDetectableDifference(n, 1, 0.05, 0.80)!.Value, 3);
    }

    [Theory]
    [InlineData(0.3, 0.318)]
    [InlineData(0.5, 0.697)]
    [InlineData(0.8, 0.977)]
    public void Power_with_fifty_seeds_per_arm(double d, double power)
    {
        Assert.Equal(power, PowerAnalysis.Power(50, d, 1, 0.05), 3);
    }

    [Fact]
    public void The_noncentral_t_reduces_to_the_central_t_at_zero_noncentrality()
    {
        foreach (var (x, df) in new[] { (0.5, 3.0), (2.0, 10.0), (-1.0, 98.0), (3.0, 1.5) })
            Assert.Equal(StudentT.UpperTail(x, df), NoncentralT.UpperTail(x, df, 0), 10);
    }
}
