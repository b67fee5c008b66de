using MathNet.Numerics;
using Dist = MathNet.Numerics.Distributions;

namespace Runner.Core.Statistics;

/// <summary>Student t tail probabilities and quantiles at full double precision.</summary>
public static class StudentT
{
    /// <summary>P(|T| ≥ |t|), from the regularized incomplete beta so that tiny p-values keep their digits.</summary>
    public static double TwoSidedP(double t, double df) =>
        double.IsInfinity(df) ? SpecialFunctions.Erfc(Math.Abs(t) / Math.Sqrt(2)) : SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + t * t));

    /// <summary>P(T ≤ t).</summary>
    public static double Cdf(double t, double df)
    {
        var tail = TwoSidedP(t, df) / 2;
        return t <= 0 ? tail : 1 - tail;
    }

    /// <summary>P(T ≥ t), without the cancellation of 1 − CDF for large t.</summary>
    public static double UpperTail(double t, double df) => Cdf(-t, df);

    /// <summary>
    /// The quantile q with P(T ≤ q) = p. MathNet's InvCDF is a root search with limited accuracy (and none at all
    /// for millions of degrees of freedom, where it stops without converging), so from <see cref="NormalFrom"/> on the
    /// normal quantile starts instead; either start is polished with Newton steps on the exact CDF.
    /// </summary>
    public static double Quantile(double p, double df)
    {
        if (p is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(p), p, "must be strictly between 0 and 1");
        if (double.IsInfinity(df))
            return Dist.Normal.InvCDF(0, 1, p);
        var q = df >= NormalFrom ? Dist.Normal.InvCDF(0, 1, p) : Dist.StudentT.InvCDF(0, 1, df, p);
        for (var i = 0; i < 4; i++)
        {
            // CDF(q) − p, written through the smaller tail so that neither side loses digits.
            var error = p <= 0.5 ? Cdf(q, df) - p : (1 - p) - UpperTail(q, df);
            var step = error / Dist.StudentT.PDF(0, 1, df, q);
            q -= step;
            if (Math.Abs(step) <= 1e-15 * Math.Max(1, Math.Abs(q)))
                break;
        }
        return q;
    }

    /// <summary>Degrees of freedom from which the normal quantile starts Newton's steps: within 0.3% of t's there, even at p = 1e-300.</summary>
    private const double NormalFrom = 1e5;
}
