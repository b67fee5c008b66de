namespace Runner.Core.Statistics;

/// <summary>How often one arm ended each way over the simulated batches, and after how many seeds on average.</summary>
public sealed record SimulatedArm(double TrueDifference, double Better, double Worse, double Equivalent, double Undecided, double MeanSeeds);

/// <summary>
/// What a design does over many simulated batches: per arm the share of each decision and the mean seeds
/// run; the share of batches with any false difference (arms whose true difference is 0 declared better or
/// worse); the mean runs per batch against the fixed design's; and the fixed design's power per arm on the
/// same data (Welch's test after all seeds, at α/m and with Holm's step-down at α).
/// </summary>
public sealed record SimulationSummary(
    int Batches, IReadOnlyList<SimulatedArm> Arms, double FamilyWiseError, double MeanRuns, int FixedRuns, IReadOnlyList<double> FixedPower,
    IReadOnlyList<double> FixedHolmPower)
{
    public double RunsSaved => 1 - MeanRuns / FixedRuns;
}

/// <summary>
/// Simulates sequential ablation batches with normally distributed run results: a baseline and one arm
/// per true difference, every arm running the same seeds, looks as the design says, Welch's test at each
/// look, each look the service's own step (<see cref="SequentialDesign.TakeLook"/>, with the planned
/// boundaries), arms stopping when decided and the baseline when every arm is. Deterministic for a seed.
/// </summary>
public static class SequentialSimulation
{
    public static SimulationSummary Run(SequentialDesign design, IReadOnlyList<double> trueDifferences, double sd, int batches, int seed)
    {
        var max = design.MaxSeeds;
        var m = trueDifferences.Count;
        var fractions = design.Looks.Select(n => (double)n / max).ToList();
        var boundaries = Enumerable.Range(0, design.Recycles ? m : 1)
            .Select(shown => GroupSequential.Boundaries(fractions, design.ComparisonAlpha(shown), design.Spending)).ToList();
        var random = new Random(seed);
        var counts = new int[m, 5];
        var seedsSpent = new double[m];
        var fixedRejections = new int[m];
        var fixedHolmRejections = new int[m];
        var anyFalse = 0;
        var runs = 0.0;
        var baseline = new double[max];
        var arms = new double[m][];
        for (var a = 0; a < m; a++)
            arms[a] = new double[max];

        for (var b = 0; b < batches; b++)
        {
            Fill(baseline, 0, sd, random);
            for (var a = 0; a < m; a++)
                Fill(arms[a], trueDifferences[a], sd, random);
            var stoppedAt = new int[m];
            var decisions = new SequentialDecision[m];
            var shown = 0;
            for (var k = 0; k < design.Looks.Count; k++)
            {
                var n = design.Looks[k];
                var open = Enumerable.Range(0, m).Where(a => stoppedAt[a] == 0).ToList();
                var last = k == design.Looks.Count - 1;
                var (looks, nowShown) = design.TakeLook(open.Select(a => ($"{a}", Welch(arms[a], baseline, n))).ToList(),
                    (_, held) => boundaries[Math.Min(held, boundaries.Count - 1)][k], shown, last, Goal.Maximize, withInterval: false);
                shown = nowShown;
                for (var i = 0; i < open.Count; i++)
                    if (looks[i].Look.Decision != SequentialDecision.Continue)
                        (stoppedAt[open[i]], decisions[open[i]]) = (n, looks[i].Look.Decision);
                if (stoppedAt.All(s => s > 0))
                    break;
            }
            var falseDifference = false;
            var fixedP = new double[m];
            for (var a = 0; a < m; a++)
            {
                counts[a, (int)decisions[a]]++;
                seedsSpent[a] += stoppedAt[a];
                falseDifference |= trueDifferences[a] == 0 && decisions[a] is SequentialDecision.Better or SequentialDecision.Worse;
                fixedP[a] = Welch(arms[a], baseline, max).PTwoSided ?? 1;
                if (fixedP[a] <= design.Alpha / m)
                    fixedRejections[a]++;
            }
            var holm = PValueAdjustment.Adjust(fixedP, Correction.Holm);
            for (var a = 0; a < m; a++)
                if (holm[a] <= design.Alpha)
                    fixedHolmRejections[a]++;
            anyFalse += falseDifference ? 1 : 0;
            runs += stoppedAt.Sum() + stoppedAt.Max();
        }

        var summary = Enumerable.Range(0, m).Select(a => new SimulatedArm(trueDifferences[a],
            Share(counts[a, (int)SequentialDecision.Better]), Share(counts[a, (int)SequentialDecision.Worse]),
            Share(counts[a, (int)SequentialDecision.Equivalent]), Share(counts[a, (int)SequentialDecision.Undecided]), seedsSpent[a] / batches)).ToList();
        return new SimulationSummary(batches, summary, Share(anyFalse), runs / batches, (m + 1) * max, fixedRejections.Select(Share).ToList(),
            fixedHolmRejections.Select(Share).ToList());

        double Share(int count) => (double)count / batches;
    }

    /// <summary>Welch's test of the first <paramref name="n"/> values of a against b, without the confidence interval (only the decision is needed).</summary>
    private static Comparison Welch(double[] a, double[] b, int n)
    {
        var (meanA, varA) = MeanVariance(a, n);
        var (meanB, varB) = MeanVariance(b, n);
        var (va, vb) = (varA / n, varB / n);
        var se = Math.Sqrt(va + vb);
        var df = (va + vb) * (va + vb) / ((va * va + vb * vb) / (n - 1));
        var t = (meanA - meanB) / se;
        return new Comparison("welch", n, n, meanA - meanB, se, null, null, t, df, StudentT.TwoSidedP(t, df), null, null, null, null, null);
    }

    private static (double Mean, double Variance) MeanVariance(double[] values, int n)
    {
        var mean = 0.0;
        for (var i = 0; i < n; i++)
            mean += values[i];
        mean /= n;
        var squares = 0.0;
        for (var i = 0; i < n; i++)
            squares += (values[i] - mean) * (values[i] - mean);
        return (mean, squares / (n - 1));
    }

    private static void Fill(double[] values, double mean, double sd, Random random)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
