namespace Runner.Core.Statistics;

public enum UnpairedTest
{
    Welch,
    Student,
}

/// <summary>Unpaired t-tests of A − B: Welch's (unequal variances, the default) and Student's (pooled variance).</summary>
public static class TwoSampleTest
{
    public static Comparison Run(IReadOnlyList<double> a, IReadOnlyList<double> b, UnpairedTest test, double level)
    {
        var name = test == UnpairedTest.Welch ? "welch" : "student";
        var (meanA, varA) = Sample.MeanVariance(a);
        var (meanB, varB) = Sample.MeanVariance(b);
        var (na, nb) = (a.Count, b.Count);
        double? difference = na > 0 && nb > 0 ? meanA - meanB : null;
        if (na < 2 || nb < 2)
            return Comparison.NotPossible(name, na, nb, difference, $"a t-test needs at least 2 runs in each arm (have {na} and {nb})");
        if (varA == 0 && varB == 0)
            return Comparison.NotPossible(name, na, nb, difference, "both arms have zero variance, so the t statistic is undefined");

        var pooledVariance = ((na - 1) * varA + (nb - 1) * varB) / (na + nb - 2);
        var d = EffectSize.CohensD(meanA - meanB, Math.Sqrt(pooledVariance));
        var g = EffectSize.HedgesG(d, na + nb - 2);

        if (test == UnpairedTest.Student)
            return Comparison.FromT(name, na, nb, meanA - meanB, Math.Sqrt(pooledVariance * (1.0 / na + 1.0 / nb)), na + nb - 2, level, d, g);

        var (va, vb) = (varA / na, varB / nb);
        var df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
        return Comparison.FromT(name, na, nb, meanA - meanB, Math.Sqrt(va + vb), df, level, d, g);
    }
}
