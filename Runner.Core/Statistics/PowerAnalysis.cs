using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace Runner.Core.Statistics;

/// <summary>
/// Power of the two-sample t-test with n runs per arm (equal n), from the noncentral t distribution,
/// as R's power.t.test (two-sided with strict = FALSE: the far tail is ignored).
/// </summary>
public static class PowerAnalysis
{
    public static double Power(double n, double difference, double sd, double alpha, bool twoSided = true)
    {
        var df = 2 * (n - 1);
        var critical = StudentT.Quantile(1 - (twoSided ? alpha / 2 : alpha), df);
        var ncp = Math.Abs(difference) / sd * Math.Sqrt(n / 2);
        return NoncentralT.UpperTail(critical, df, ncp);
    }

    /// <summary>Runs per arm (fractional, as power.t.test reports it) for the given power; null when over ten million or not computable.</summary>
    public static double? RunsPerArm(double difference, double sd, double alpha, double power, bool twoSided = true)
    {
        const double most = 1e7;
        double Gap(double n) => Power(n, difference, sd, alpha, twoSided) - power;
        if (Gap(2) >= 0)
            return 2;
        // The normal approximation brackets the answer closely, sparing Brent the search down from
        // ten million (each step is a noncentral-t integral; the batch analysis runs one per arm).
        var z = Normal.InvCDF(0, 1, 1 - (twoSided ? alpha / 2 : alpha)) + Normal.InvCDF(0, 1, power);
        var guess = 2 * Math.Pow(z * sd / difference, 2);
        // The normal approximation is within a few runs of the answer: far beyond the most, so is the answer.
        if (!(guess * 0.8 <= most))
            return null;
        var (low, high) = (Math.Max(2, guess * 0.8), Math.Min(most, guess * 1.25 + 4));
        if (Gap(low) < 0 && Gap(high) >= 0)
            return Root(Gap, low, high, 1e-8);
        if (!(Gap(most) >= 0))
            return null;
        return Root(Gap, 2, most, 1e-8);
    }

    /// <summary>The smallest difference (in the metric's units) detected with the given power at n runs per arm; null when not computable.</summary>
    public static double? MinimumDetectableDifference(double n, double sd, double alpha, double power, bool twoSided = true)
    {
        double Gap(double d) => Power(n, d * sd, sd, alpha, twoSided) - power;
        var high = 1.0;
        while (Gap(high) < 0 && high < 1e6)
            high *= 2;
        return Root(Gap, 0, high, 1e-12) * sd;
    }

    /// <summary>A root of <paramref name="f"/> in the bracket, or null where the bracket holds none (extreme inputs).</summary>
    private static double? Root(Func<double, double> f, double low, double high, double accuracy) =>
        Brent.TryFindRoot(f, low, high, accuracy, 200, out var root) && double.IsFinite(root) ? root : null;
}
