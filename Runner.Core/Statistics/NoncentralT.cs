using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Runner.Core.Statistics;

/// <summary>
/// The noncentral t distribution, which MathNet lacks: T' = (Z + δ) / √(V/ν) with V ~ χ²(ν), so
/// P(T' > x) = ∫ Φ(δ − x·√(v/ν)) f_χ²(v; ν) dv. The integral is taken in the Wilson–Hilferty variable
/// z, v = ν·(m + s·z)³ with m = 1 − 2/(9ν), s² = 2/(9ν), in which the chi-square mass is nearly standard
/// normal: a fixed Gauss–Legendre rule over ten standard deviations is then exact to about 1e-12 and
/// fast enough for root-finding in every analysis.
/// </summary>
public static class NoncentralT
{
    private const int Order = 256;

    public static double UpperTail(double x, double df, double ncp)
    {
        if (double.IsInfinity(df))
            return Normal.CDF(0, 1, ncp - x);
        var m = 1 - 2 / (9 * df);
        var s = Math.Sqrt(2 / (9 * df));
        double Integrand(double z)
        {
            var u = m + s * z;
            var v = df * u * u * u;
            return Normal.CDF(0, 1, ncp - x * Math.Sqrt(v / df)) * ChiSquared.PDF(df, v) * 3 * df * s * u * u;
        }
        var lowest = Math.Max(-10, -m / s);
        return Math.Clamp(Integrate.GaussLegendre(Integrand, lowest, 10, Order), 0, 1);
    }
}
