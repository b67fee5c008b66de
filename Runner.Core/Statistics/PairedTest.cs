namespace Runner.Core.Statistics;

/// <summary>
/// The paired t-test of A − B over runs matched by seed: when a seed fixes initialisation and data
/// order, per-seed differences cancel much of the seed-to-seed noise.
/// </summary>
public static class PairedTest
{
    public const string Name = "paired";

    /// <summary>Pairs the runs of A and B that share a seed; null when fewer than two seeds are shared.</summary>
    public static Comparison? RunMatched(IReadOnlyList<(long Seed, double Value)> a, IReadOnlyList<(long Seed, double Value)> b, double level)
    {
        var byB = b.GroupBy(x => x.Seed).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Value);
        var differences = a.GroupBy(x => x.Seed).Where(g => g.Count() == 1 && byB.ContainsKey(g.Key))
            .OrderBy(g => g.Key)
            .Select(g => g.Single().Value - byB[g.Key])
            .ToList();
        return differences.Count < 2 ? null : Run(differences, level);
    }

    public static Comparison Run(IReadOnlyList<double> differences, double level)
    {
        var n = differences.Count;
        var (mean, variance) = Sample.MeanVariance(differences);
        if (n < 2)
            return Comparison.NotPossible(Name, n, n, n == 0 ? null : mean, $"a paired test needs at least 2 pairs (have {n})");
        if (variance == 0)
            return Comparison.NotPossible(Name, n, n, mean, "every pair has the same difference, so the t statistic is undefined");
        var dz = mean / Math.Sqrt(variance);
        return Comparison.FromT(Name, n, n, mean, Math.Sqrt(variance / n), n - 1, level, dz, EffectSize.HedgesG(dz, n - 1));
    }
}
