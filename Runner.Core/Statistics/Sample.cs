namespace Runner.Core.Statistics;

/// <summary>
/// Numerically careful moments of a sample: the values are shifted by the first one before the
/// two-pass mean and variance, so data with many constant leading digits (NIST AtmWtAg) lose nothing.
/// </summary>
internal static class Sample
{
    public static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n == 0)
            return (double.NaN, double.NaN);
        var shift = values[0];
        double sum = 0;
        foreach (var v in values)
            sum += v - shift;
        var shiftedMean = sum / n;
        double squares = 0, residual = 0;
        foreach (var v in values)
        {
            var d = v - shift - shiftedMean;
            squares += d * d;
            residual += d;
        }
        // The residual term corrects the rounding left in the first pass (Chan, Golub and LeVeque's two-pass formula).
        var variance = n < 2 ? double.NaN : (squares - residual * residual / n) / (n - 1);
        return (shift + shiftedMean, variance);
    }
}
