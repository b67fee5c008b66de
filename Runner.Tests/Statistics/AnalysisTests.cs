using MathNet.Numerics.Distributions;
using Runner.Core.Statistics;
using static Runner.Tests.Statistics.ReferenceData;

namespace Runner.Tests.Statistics;

public sealed class AnalysisTests
{
    private static readonly AnalysisSettings Defaults = new();

    private static ArmSamples Arm(string name, IEnumerable<double> values, bool seeded = true)
    {
        var list = values.Select(v => (double?)v).ToList();
        return new ArmSamples(name, list, seeded ? Enumerable.Range(0, list.Count).Select(i => (long)i).ToList() : null);
    }

    private static AnalysisResult Sleep(AnalysisSettings? settings = null) =>
        AblationAnalysis.Analyze([Arm("drug2", SleepGroup2), Arm("drug1", SleepGroup1)], "drug2", settings ?? Defaults, "extra sleep");

    [Fact]
    public void Each_arm_is_compared_with_the_baseline_with_welch_and_paired_tests()
    {
        var result = Sleep();

        var comparison = Assert.Single(result.Comparisons);
        Assert.Equal(("drug1", "drug2", "welch"), (comparison.Arm, comparison.Against, comparison.Test.Test));
        Assert.Equal(-1.860813467486853, comparison.Test.T!.Value, 12);
        Assert.Equal(-4.062127683382036, comparison.Paired!.T!.Value, 12);
        Assert.Equal(comparison.Test.PTwoSided, comparison.PAdjusted); // one test: nothing to adjust
        Assert.Equal(Verdict.NoSignificantDifference, comparison.Verdict);
        Assert.Equal((20, 0), (result.RunsUsed, result.RunsExcluded));
        Assert.Equal(["drug2", "drug1"], result.Arms.Select(a => a.Name));
    }

    [Fact]
    public void Swapping_the_arms_flips_the_sign_and_keeps_p()
    {
        var ab = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Welch, 0.95);
        var ba = TwoSampleTest.Run(SleepGroup2, SleepGroup1, UnpairedTest.Welch, 0.95);

        Assert.Equal(-ab.Difference!.Value, ba.Difference!.Value, 14);
        Assert.Equal(-ab.T!.Value, ba.T!.Value, 14);
        Assert.Equal(-ab.CiHigh!.Value, ba.CiLow!.Value, 14);
        Assert.Equal(ab.PTwoSided!.Value, ba.PTwoSided!.Value, 15);
        Assert.Equal(ab.PLess!.Value, ba.PGreater!.Value, 15);
        Assert.Equal(ab.Df!.Value, ba.Df!.Value, 12);
    }

    [Fact]
    public void Shifting_every_value_by_a_constant_changes_nothing()
    {
        var plain = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Welch, 0.95);
        var shifted = TwoSampleTest.Run(SleepGroup1.Select(v => v + 1e6).ToArray(), SleepGroup2.Select(v => v + 1e6).ToArray(), UnpairedTest.Welch, 0.95);

        Assert.Equal(plain.Difference!.Value, shifted.Difference!.Value, 8);
        Assert.Equal(plain.T!.Value, shifted.T!.Value, 8);
        Assert.Equal(plain.PTwoSided!.Value, shifted.PTwoSided!.Value, 9);
        Assert.Equal(plain.CiLow!.Value, shifted.CiLow!.Value, 8);
    }

    [Fact]
    public void Scaling_scales_the_difference_and_its_interval_and_keeps_p()
    {
        const double k = 0.001;
        var plain = TwoSampleTest.Run(SleepGroup1, SleepGroup2, UnpairedTest.Student, 0.95);
        var scaled = TwoSampleTest.Run(SleepGroup1.Select(v => v * k).ToArray(), SleepGroup2.Select(v => v * k).ToArray(), UnpairedTest.Student, 0.95);

        Assert.Equal(plain.Difference!.Value * k, scaled.Difference!.Value, 15);
        Assert.Equal(plain.CiLow!.Value * k, scaled.CiLow!.Value, 15);
        Assert.Equal(plain.CiHigh!.Value * k, scaled.CiHigh!.Value, 15);
        Assert.Equal(plain.PTwoSided!.Value, scaled.PTwoSided!.Value, 13);
        Assert.Equal(plain.CohensD!.Value, scaled.CohensD!.Value, 12);
    }

    [Fact]
    public void Verdicts_follow_the_adjusted_p_and_the_goal()
    {
        double[] baseline = [0.940, 0.941, 0.939, 0.942, 0.940, 0.941];
        double[] better = [0.945, 0.946, 0.944, 0.947, 0.945, 0.946];
        double[] same = [0.941, 0.939, 0.940, 0.942, 0.940, 0.939];
        var arms = new[] { Arm("base", baseline), Arm("better", better), Arm("same", same) };

        var maximize = AblationAnalysis.Analyze(arms, "base", Defaults);
        Assert.Equal([Verdict.Better, Verdict.NoSignificantDifference], maximize.Comparisons.Select(c => c.Verdict));
        Assert.All(maximize.Comparisons, c => Assert.True(c.PAdjusted >= c.Test.PTwoSided));

        var minimize = AblationAnalysis.Analyze(arms, "base", Defaults with { Goal = Goal.Minimize });
        Assert.Equal(Verdict.Worse, minimize.Comparisons[0].Verdict);
    }

    [Fact]
    public void All_pairs_compares_every_pair_once()
    {
        var arms = new[] { Arm("a", [1, 2, 3]), Arm("b", [2, 3, 4]), Arm("c", [3, 4, 5]), Arm("d", [4, 5, 7]) };
        var result = AblationAnalysis.Analyze(arms, null, Defaults with { AllPairs = true });
        Assert.Equal(6, result.Comparisons.Count);
        Assert.Equal(6, result.Comparisons.Select(c => (c.Arm, c.Against)).Distinct().Count());
        Assert.Equal("a", result.Baseline);
    }

    [Fact]
    public void Guard_rails_turn_bad_data_into_notes_not_numbers()
    {
        var arms = new[]
        {
            new ArmSamples("base", [0.94, 0.95, null, double.NaN], Failed: 2, Cancelled: 1),
            new ArmSamples("single", [0.93]),
            new ArmSamples("flat", [0.92, 0.92, 0.92]),
            new ArmSamples("flat2", [0.92, 0.92]),
        };
        var result = AblationAnalysis.Analyze(arms, "base", Defaults);

        Assert.Equal((8, 5), (result.RunsUsed, result.RunsExcluded));
        Assert.Contains(result.Notes, n => n.Contains("'base': 2 runs without a value"));
        Assert.Contains(result.Notes, n => n.Contains("'base': 2 runs failed and 1 run cancelled"));
        Assert.Contains(result.Notes, n => n.Contains("'single' has 1 run with a value"));
        Assert.Contains(result.Notes, n => n.Contains("'flat' has zero variance"));

        var single = result.Comparisons.Single(c => c.Arm == "single");
        Assert.Equal(Verdict.NotTested, single.Verdict);
        Assert.Null(single.Test.PTwoSided);
        Assert.Null(single.PAdjusted);
        Assert.Null(result.Arms.Single(a => a.Name == "single").Summary.StandardDeviation);
        Assert.Contains("at least 2 runs in each arm", single.Test.Note);

        // one flat arm against a varying one is still a valid Welch test
        Assert.True(result.Comparisons.Single(c => c.Arm == "flat").Test.IsTested);
    }

    [Fact]
    public void Two_arms_without_variance_are_not_tested()
    {
        var result = AblationAnalysis.Analyze([Arm("a", [1, 1, 1]), Arm("b", [2, 2, 2])], "a", Defaults);
        var c = Assert.Single(result.Comparisons);
        Assert.Equal((Verdict.NotTested, -1.0 * -1), (c.Verdict, c.Test.Difference));
        Assert.Contains("zero variance", c.Test.Note);
        Assert.Null(result.Planning.MinimumDetectableDifference);
        Assert.Contains("nothing can be planned", result.Planning.Summary);
    }

    [Fact]
    public void Planning_says_what_fifty_seeds_resolve_at_the_bag_of_tricks_spread()
    {
        var settings = Defaults with { PilotSd = 0.0015, TargetDifference = 0.001 };
        var arms = new[] { Arm("base", Enumerable.Repeat(0.94, 50)), Arm("trick", Enumerable.Repeat(0.941, 50)) };
        var planning = AblationAnalysis.Analyze(arms, "base", settings).Planning;

        Assert.Equal((0.0015, "pilot", 50), (planning.Sd, planning.SdSource, planning.RunsPerArm));
        Assert.Equal(0.05, planning.Alpha, 12);
        Assert.Equal(0.566 * 0.0015, planning.MinimumDetectableDifference!.Value, 5);
        // d = 0.001 / 0.0015 = 2/3: power.t.test(delta = 2/3, power = 0.8) gives n = 36.3
        Assert.Equal(36.3, planning.RunsPerArmForTarget!.Value, 1);
        Assert.Contains("37 runs per arm", planning.Summary);
    }

    [Fact]
    public void Family_wise_corrections_plan_at_alpha_over_the_number_of_tests()
    {
        var arms = new[] { Arm("base", [1, 2, 3, 4]), Arm("a", [2, 3, 4, 5]), Arm("b", [1, 3, 3, 5]) };
        Assert.Equal(0.025, AblationAnalysis.Analyze(arms, "base", Defaults).Planning.Alpha, 12);
        Assert.Equal(0.05, AblationAnalysis.Analyze(arms, "base", Defaults with { Correction = Correction.BenjaminiHochberg }).Planning.Alpha, 12);
    }

    [Theory]
    [InlineData("arms[1].name")]
    [InlineData("arms[0].seeds")]
    [InlineData("baseline")]
    [InlineData("level")]
    public void Invalid_input_names_the_field(string field)
    {
        var arms = new List<ArmSamples> { Arm("a", [1, 2]), Arm("b", [1, 2]) };
        var baseline = "a";
        var settings = Defaults;
        switch (field)
        {
            case "arms[1].name": arms[1] = arms[1] with { Name = "a" }; break;
            case "arms[0].seeds": arms[0] = arms[0] with { Seeds = [1] }; break;
            case "baseline": baseline = "zzz"; break;
            case "level": settings = settings with { Level = 95 }; break;
        }
        Assert.Contains(field, AblationAnalysis.Validate(arms, baseline, settings).Keys);
    }

    [Fact]
    public void Holm_keeps_the_family_wise_error_rate_under_the_null()
    {
        // Six arms drawn from one distribution (no trick does anything); five comparisons with the baseline.
        const int replications = 4000, arms = 6, n = 10;
        var random = new Normal(0, 1, new Random(20261125));
        int holmErrors = 0, rawErrors = 0;
        for (var r = 0; r < replications; r++)
        {
            var samples = Enumerable.Range(0, arms).Select(_ => random.Samples().Take(n).ToArray()).ToArray();
            var p = Enumerable.Range(1, arms - 1)
                .Select(i => TwoSampleTest.Run(samples[i], samples[0], UnpairedTest.Welch, 0.95).PTwoSided!.Value).ToList();
            holmErrors += PValueAdjustment.Adjust(p, Correction.Holm).Any(x => x <= 0.05) ? 1 : 0;
            rawErrors += p.Any(x => x <= 0.05) ? 1 : 0;
        }
        var standardError = Math.Sqrt(0.05 * 0.95 / replications);
        Assert.True(holmErrors / (double)replications <= 0.05 + 3 * standardError, $"Holm FWER {holmErrors / (double)replications}");
        Assert.True(rawErrors / (double)replications > 0.12, $"unadjusted FWER {rawErrors / (double)replications} should be well above 0.05");
    }

    [Fact]
    public void The_table_shows_every_arm_and_comparison()
    {
        var text = AnalysisTable.Render(Sleep());
        Assert.Contains("drug1 - drug2", text);
        Assert.Contains("[-3.365, 0.2055]", text);
        Assert.Contains("no significant difference", text);
    }
}
