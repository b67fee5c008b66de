using MathNet.Numerics;

namespace Runner.Core.Statistics;

public static class EffectSize
{
    /// <summary>Cohen's d: the difference of means in units of the pooled standard deviation.</summary>
    public static double CohensD(double difference, double pooledSd) => difference / pooledSd;

    /// <summary>
    /// Hedges' g = J·d with the exact small-sample correction J = Γ(ν/2) / (√(ν/2)·Γ((ν−1)/2)), ν = n₁+n₂−2
    /// (Hedges 1981); the familiar 1 − 3/(4(n₁+n₂)−9) is its approximation.
    /// </summary>
    public static double HedgesG(double d, double df) =>
        d * Math.Exp(SpecialFunctions.GammaLn(df / 2) - SpecialFunctions.GammaLn((df - 1) / 2)) / Math.Sqrt(df / 2);
}
