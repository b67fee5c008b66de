using MathNet.Numerics.Statistics;

namespace Runner.Core.Statistics;

/// <summary>Descriptive statistics of one arm's metric with a t-based confidence interval of the mean.</summary>
public sealed record ArmSummary(
    int N,
    double? Mean,
    double? StandardDeviation,
    double? StandardError,
    double? Min,
    double? Median,
    double? Max,
    double? CiLow,
    double? CiHigh,
    double Level)
{
    public static ArmSummary Of(IReadOnlyList<double> values, double level)
    {
        var n = values.Count;
        if (n == 0)
            return new ArmSummary(0, null, null, null, null, null, null, null, null, level);
        var (mean, variance) = Sample.MeanVariance(values);
        var (min, median, max) = (values.Min(), values.Median(), values.Max());
        if (n < 2)
            return new ArmSummary(n, mean, null, null, min, median, max, null, null, level);
        var sd = Math.Sqrt(variance);
        var se = sd / Math.Sqrt(n);
        var half = StudentT.Quantile((1 + level) / 2, n - 1) * se;
        return new ArmSummary(n, mean, sd, se, min, median, max, mean - half, mean + half, level);
    }
}
