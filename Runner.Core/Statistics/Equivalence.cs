namespace Runner.Core.Statistics;

/// <summary>
/// Two one-sided tests (TOST, Schuirmann 1987) that A − B lies within (−δ, +δ), on the same t statistic,
/// standard error and degrees of freedom as the comparison they extend (Welch's, Student's or the paired
/// test). Equivalence at level 1 − α is shown when both one-sided tests reject at α, that is when the
/// (1 − 2α) confidence interval of the difference lies inside the margin.
/// </summary>
/// <param name="Margin">δ, in the metric's units.</param>
/// <param name="PLower">p of H0: difference ≤ −δ (from t = (difference + δ) / se).</param>
/// <param name="PUpper">p of H0: difference ≥ +δ (from t = (difference − δ) / se).</param>
/// <param name="P">The TOST p-value, the larger of the two.</param>
/// <param name="CiLow">Lower end of the (1 − 2α) interval that the margin is checked against.</param>
public sealed record Equivalence(double Margin, double? PLower, double? PUpper, double? P, double? CiLow, double? CiHigh)
{
    public static Equivalence Test(Comparison comparison, double margin, double level)
    {
        if (comparison is not { Difference: { } d, StandardError: { } se, Df: { } df } || !(se > 0))
            return new Equivalence(margin, null, null, null, null, null);
        var pLower = StudentT.UpperTail((d + margin) / se, df);
        var pUpper = StudentT.Cdf((d - margin) / se, df);
        var half = StudentT.Quantile(level, df) * se; // 1 − α one-sided = the (1 − 2α) two-sided interval
        return new Equivalence(margin, pLower, pUpper, Math.Max(pLower, pUpper), d - half, d + half);
    }
}
