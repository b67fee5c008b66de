namespace Runner.Core.Statistics;

/// <summary>Multiple-comparison corrections, as R's p.adjust.</summary>
public enum Correction
{
    /// <summary>Holm's step-down: controls the family-wise error rate and dominates Bonferroni.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg step-up: controls the false discovery rate; for screening many tricks.</summary>
    BenjaminiHochberg,

    Bonferroni,
    None,
}

public static class PValueAdjustment
{
    public static double[] Adjust(IReadOnlyList<double> p, Correction correction)
    {
        var m = p.Count;
        var adjusted = new double[m];
        var order = Enumerable.Range(0, m).OrderBy(i => p[i]).ToArray();
        switch (correction)
        {
            case Correction.None:
                return p.ToArray();
            case Correction.Bonferroni:
                return p.Select(x => Math.Min(1, x * m)).ToArray();
            case Correction.Holm:
                var running = 0.0;
                for (var rank = 0; rank < m; rank++)
                {
                    running = Math.Max(running, (m - rank) * p[order[rank]]);
                    adjusted[order[rank]] = Math.Min(1, running);
                }
                return adjusted;
            case Correction.BenjaminiHochberg:
                var minimum = 1.0;
                for (var rank = m - 1; rank >= 0; rank--)
                {
                    minimum = Math.Min(minimum, (double)m / (rank + 1) * p[order[rank]]);
                    adjusted[order[rank]] = minimum;
                }
                return adjusted;
            default:
                throw new ArgumentOutOfRangeException(nameof(correction), correction, null);
        }
    }

    /// <summary>The per-test level to plan seeds with: family-wise corrections make the first test face α/m.</summary>
    public static double PlanningLevel(double alpha, int tests, Correction correction) =>
        correction is Correction.Holm or Correction.Bonferroni && tests > 1 ? alpha / tests : alpha;
}
