using Runner.Core.Statistics;
using static Runner.Tests.Statistics.ReferenceData;

namespace Runner.Tests.Statistics;

/// <summary>t-tests against R (sleep data) and NIST (AtmWtAg), at the full precision those references publish (<see cref="ReferenceData"/>).</summary>
public sealed class TTestReferenceTests
{
    private static void Close(double expected, double? actual, double relative = 1e-9) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {(actual is { } x ? Math.Abs(x - expected) / Math.Abs(expected) : double.NaN):E2})");

    [Fact]
    public void Welch_matches_R_on_the_sleep_data()
    {
        var welch = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Welch, 0.95);

        Close(-1.860813467486853, welch.T);
        Close(17.77647351617849, welch.Df);
        Close(0.07939414018735814, welch.PTwoSided);
        Close(0.03969707009367907, welch.PLess);
        Close(1 - 0.03969707009367907, welch.PGreater);
        Close(-3.365483230711711, welch.CiLow);
        Close(0.2054832307117110, welch.CiHigh);
        Close(-1.58, welch.Difference, 1e-12);
    }

    [Fact]
    public void Student_matches_R_on_the_sleep_data()
    {
        var student = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Student, 0.95);

        Close(-1.860813467486853, student.T);
        Assert.Equal(18, student.Df);
        Close(0.07918671421593811, student.PTwoSided);
        Close(-3.363874032287599, student.CiLow);
        Close(0.2038740322875986, student.CiHigh);
    }

    [Fact]
    public void Paired_matches_R_on_the_sleep_data()
    {
        var pairs = SleepGroup1.Select((v, i) => ((long)i, v)).ToList();
        var others = SleepGroup2.Select((v, i) => ((long)i, v)).ToList();
        var paired = PairedTest.RunMatched(pairs, others, 0.95)!;

        Close(-4.062127683382036, paired.T);
        Assert.Equal(9, paired.Df);
        Close(0.002832890197384273, paired.PTwoSided);
        Close(-2.459885763276983, paired.CiLow);
        Close(-0.7001142367230172, paired.CiHigh);
    }

    [Fact]
    public void Effect_sizes_match_the_sleep_data_reference()
    {
        var welch = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Welch, 0.95);
        Close(-0.8321811, welch.CohensD, 1e-6);
        Close(-0.7969352, welch.HedgesG, 1e-6); // exact J; the approximate J gives −0.7970185
    }

    [Fact]
    public void Summaries_match_the_sleep_data()
    {
        var summary = ArmSummary.Of(SleepGroup1, 0.95);
        Close(0.75, summary.Mean, 1e-14);
        Close(1.789010, summary.StandardDeviation, 1e-6);
        Close(Math.Sqrt(3.2005555555555555), summary.StandardDeviation, 1e-14);
        Assert.Equal((10, -1.6, 0.35, 3.7), (summary.N, summary.Min, summary.Median, summary.Max));
        var half = 2.262157162798206 * summary.StandardError!.Value;
        Close(0.75 - half, summary.CiLow, 1e-12);
        Close(0.75 + half, summary.CiHigh, 1e-12);
    }

    [Fact]
    public void Student_and_Welch_match_NIST_AtmWtAg_despite_seven_constant_digits()
    {
        var student = TwoSampleTest.Run(AtmWtAgInstrument1, AtmWtAgInstrument2, UnpairedTest.Student, 0.95);
        Close(3.993336145103862, student.T);
        Close(15.9467335677930, student.T!.Value * student.T.Value, 1e-9);
        Close(2.326844483389281e-4, student.PTwoSided);

        var welch = TwoSampleTest.Run(AtmWtAgInstrument1, AtmWtAgInstrument2, UnpairedTest.Welch, 0.95);
        Close(3.993336145103862, welch.T);
        Close(43.25183428359630, welch.Df);
        Close(2.485567655438358e-4, welch.PTwoSided);
    }

    [Fact]
    public void Quantiles_match_the_published_values()
    {
        Close(2.262157162798206, StudentT.Quantile(0.975, 9), 1e-13);
        Close(2.100922040241038, StudentT.Quantile(0.975, 18), 1e-13);
        Close(1.984467454508482, StudentT.Quantile(0.975, 98), 1e-13);
        Close(-2.262157162798206, StudentT.Quantile(0.025, 9), 1e-13);
        Close(0.852416382349567, StudentT.Cdf(2, 1), 1e-13);
        Close(0.908248290463863, StudentT.Cdf(2, 2), 1e-13);
    }

    [Fact]
    public void Tiny_p_values_keep_their_digits()
    {
        // 1 − CDF would round to 0 here; the tail from the incomplete beta does not.
        var p = StudentT.TwoSidedP(40, 30);
        Assert.InRange(p, 1e-30, 1e-24);
        Close(p / 2, StudentT.UpperTail(40, 30), 1e-12);
    }
}
