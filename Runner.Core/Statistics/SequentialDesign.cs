namespace Runner.Core.Statistics;

/// <summary>What a look decides for one arm against the baseline.</summary>
public enum SequentialDecision
{
    Continue,
    Better,
    Worse,
    Equivalent,

    /// <summary>The last look, and neither a difference nor equivalence was shown.</summary>
    Undecided,
}

/// <summary>One arm's comparison at one look: the test, the boundary it was held to, the repeated interval and the decision.</summary>
/// <param name="Fraction">Information fraction n_k / n_max of this comparison (the smaller arm's values over the planned seeds).</param>
/// <param name="Z">The boundary z_k for the fractions observed so far, at the comparison's current α (α/m, more once α is recycled).</param>
/// <param name="NominalP">2(1 − Φ(z_k)): the level the test is held to at this look.</param>
public sealed record ArmLook(string Arm, double Fraction, double Z, double NominalP, Comparison Test, double? CiLow, double? CiHigh, SequentialDecision Decision);

/// <summary>
/// A group-sequential ablation design: looks at planned seed counts per arm, two-sided α spending, an
/// optional equivalence margin, and m comparisons with the baseline each designed at α/m (Bonferroni,
/// valid under any dependence between the comparisons, which share the baseline). Without a margin every
/// decision is a difference shown, and the α of a comparison shown different passes in equal shares to
/// the comparisons still open, whose boundaries are then those of the larger α (Holm's step-down carried
/// over to group-sequential tests: Maurer and Bretz, 2013, Statistics in Biopharmaceutical Research 5:311).
/// With a margin, α stays at α/m, so the repeated intervals that decide equivalence hold simultaneously.
/// </summary>
/// <param name="Looks">Seeds per arm at each look, increasing; the last is the most a batch runs.</param>
/// <param name="Alpha">Family-wise α over all comparisons and all looks.</param>
/// <param name="Paired">Test at each look with the paired t-test on the seeds both arms have (arms of a batch share seeds).</param>
public sealed record SequentialDesign(IReadOnlyList<int> Looks, Spending Spending, double Alpha, int Comparisons, double? Margin, bool Paired = false)
{
    public const int MaxLooks = 20;

    /// <summary>The spending of a design that names none.</summary>
    public const Spending DefaultSpending = Spending.OBrienFleming;

    public int MaxSeeds => Looks[^1];

    /// <summary>Whether seeds per arm at each look make a design: 1 to <see cref="MaxLooks"/> looks, increasing from at least 2.</summary>
    public static bool AreLooks(IReadOnlyList<int> looks) =>
        looks.Count is >= 1 and <= MaxLooks && looks[0] >= 2 && looks.Zip(looks.Skip(1)).All(p => p.Second > p.First);

    /// <summary>The boundaries planned before any look: every planned look at its information fraction, at α/m.</summary>
    public IReadOnlyList<Look> PlannedBoundaries() =>
        GroupSequential.Boundaries(Looks.Select(n => (double)n / MaxSeeds).ToList(), ComparisonAlpha(), Spending);

    /// <summary>Whether the α of comparisons shown different passes to the others (only without a margin).</summary>
    public bool Recycles => Margin is null;

    /// <summary>α for a comparison still open when <paramref name="shownDifferent"/> comparisons have been shown different.</summary>
    public double ComparisonAlpha(int shownDifferent = 0) => Alpha / Math.Max(1, Comparisons - (Recycles ? shownDifferent : 0));

    /// <summary>Looks spread evenly up to <paramref name="seeds"/>: 5 looks of 50 seeds are 10, 20, 30, 40, 50.</summary>
    public static IReadOnlyList<int> EvenLooks(int count, int seeds) =>
        Enumerable.Range(1, count).Select(k => (int)Math.Round((double)seeds * k / count)).Distinct().Where(n => n >= 2).ToList();

    /// <summary>
    /// The boundary of a comparison's latest look, for the information fractions it had at every look so far,
    /// the whole sequence recomputed at the α the comparison holds now.
    /// </summary>
    public Look Boundary(IReadOnlyList<double> fractions, int shownDifferent = 0) =>
        GroupSequential.Boundaries(fractions, ComparisonAlpha(shownDifferent), Spending)[^1];

    /// <summary>
    /// One look, the step the service takes and the simulation repeats: every open comparison is decided against its
    /// boundary at the α it holds; without a margin, each difference shown passes its α to the comparisons still open,
    /// which are decided again at the same look against their lowered boundaries; at the last look a comparison
    /// still open is undecided. <paramref name="boundary"/> gives comparison i's boundary when <c>shown</c>
    /// differences have been shown (for the fractions it has really had, or the planned ones). Returns each
    /// comparison's look with the α it was held to, and the differences shown so far, <paramref name="shown"/> included.
    /// </summary>
    public (IReadOnlyList<(ArmLook Look, double Alpha)> Looks, int Shown) TakeLook(IReadOnlyList<(string Arm, Comparison Test)> open, Func<int, int, Look> boundary,
        int shown, bool lastLook, Goal goal, bool withInterval = true)
    {
        var looks = new (ArmLook Look, double Alpha)[open.Count];
        var decided = new bool[open.Count];
        for (var again = true; again;)
        {
            again = false;
            for (var i = 0; i < open.Count; i++)
            {
                if (decided[i])
                    continue;
                looks[i] = (Decide(open[i].Arm, boundary(i, shown), open[i].Test, lastLook: false, goal, withInterval), ComparisonAlpha(shown));
                if (looks[i].Look.Decision == SequentialDecision.Continue)
                    continue;
                decided[i] = true;
                if (looks[i].Look.Decision is SequentialDecision.Better or SequentialDecision.Worse)
                {
                    shown++;
                    again = Recycles;
                }
            }
        }
        if (lastLook)
            for (var i = 0; i < open.Count; i++)
                if (!decided[i])
                    looks[i] = (Decide(open[i].Arm, boundary(i, shown), open[i].Test, lastLook: true, goal, withInterval), ComparisonAlpha(shown));
        return (looks, shown);
    }

    /// <summary>
    /// Decides one comparison at a look held to <paramref name="boundary"/> (computed for the fractions
    /// actually observed, so looks taken late or with failed runs missing still spend exactly the planned α).
    /// The repeated confidence interval is difference ± t_{df, 1 − p_k/2} × SE; such intervals hold
    /// simultaneously over all looks. A difference is shown when the interval excludes 0 (the test's p is at
    /// most p_k), equivalence when it lies inside ±δ (both one-sided tests at p_k/2 reject); the interval's
    /// ends themselves are computed only when <paramref name="withInterval"/> (simulations need only the decision).
    /// </summary>
    public ArmLook Decide(string arm, Look boundary, Comparison test, bool lastLook, Goal goal, bool withInterval = true)
    {
        if (test is not { Difference: { } d, StandardError: { } se, Df: { } df, PTwoSided: { } p } || !(se > 0))
            return new ArmLook(arm, boundary.Fraction, boundary.Z, boundary.NominalP, test, null, null, lastLook ? SequentialDecision.Undecided : SequentialDecision.Continue);
        var tail = boundary.NominalP / 2;
        var decision = p <= boundary.NominalP ? (d > 0) == (goal == Goal.Maximize) ? SequentialDecision.Better : SequentialDecision.Worse
            : Margin is { } m && StudentT.UpperTail((d + m) / se, df) <= tail && StudentT.Cdf((d - m) / se, df) <= tail ? SequentialDecision.Equivalent
            : lastLook ? SequentialDecision.Undecided
            : SequentialDecision.Continue;
        double? half = withInterval ? StudentT.Quantile(1 - tail, df) * se : null;
        return new ArmLook(arm, boundary.Fraction, boundary.Z, boundary.NominalP, test, d - half, d + half, decision);
    }
}
