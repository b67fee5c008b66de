namespace Runner.Core.Statistics;

/// <summary>
/// A test of arm A against arm B, A − B. Fields a test could not produce are null and
/// <see cref="Note"/> says why (too few runs, no variance); never a NaN presented as a number.
/// </summary>
public sealed record Comparison(
    string Test,
    int NA,
    int NB,
    double? Difference,
    double? StandardError,
    double? CiLow,
    double? CiHigh,
    double? T,
    double? Df,
    double? PTwoSided,
    double? PLess,
    double? PGreater,
    double? CohensD,
    double? HedgesG,
    string? Note)
{
    public static Comparison NotPossible(string test, int na, int nb, double? difference, string note) =>
        new(test, na, nb, difference, null, null, null, null, null, null, null, null, null, null, note);

    public bool IsTested => PTwoSided is not null;

    /// <summary>The t-test parts shared by Welch, Student and paired: t, p-values and the CI of the difference.</summary>
    internal static Comparison FromT(string test, int na, int nb, double difference, double standardError, double df, double level,
        double? cohensD, double? hedgesG)
    {
        var t = difference / standardError;
        var half = StudentT.Quantile((1 + level) / 2, df) * standardError;
        var pTwo = StudentT.TwoSidedP(t, df);
        var tail = pTwo / 2;
        return new Comparison(test, na, nb, difference, standardError, difference - half, difference + half, t, df, pTwo,
            t <= 0 ? tail : 1 - tail,
            t >= 0 ? tail : 1 - tail,
            cohensD, hedgesG, null);
    }
}
