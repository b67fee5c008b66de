using System.Globalization;
using Runner.Core.Factorial;
using Runner.Core.Statistics;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Factorial;

/// <summary>
/// The factorial analysis against R's lm() on the same data (tools/reference/factorial.R; its output in
/// Runner.Tests/Factorial/Reference): estimates, standard errors, t, df and p to 1e-9 relative.
/// </summary>
public sealed class FactorialAnalysisTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "Runner.Tests", "Factorial", "Reference");

    [Theory]
    [InlineData("full-2-3-seeds-3", 3, new string[0], ErrorEstimate.Residual)]
    [InlineData("v-2-5-1-seeds-2", 5, new[] { "E=ABCD" }, ErrorEstimate.Residual)]
    [InlineData("iv-2-6-2-seeds-1", 6, new[] { "E=ABC", "F=BCD" }, ErrorEstimate.Residual)]
    [InlineData("iii-2-7-4-seeds-1", 7, new[] { "D=AB", "E=AC", "F=BC", "G=ABC" }, ErrorEstimate.Lenth)]
    [InlineData("iv-2-9-4-seeds-2", 9, new[] { "F=BCDE", "G=ACDE", "H=ABDE", "J=ABCE" }, ErrorEstimate.Residual)]
    public void Every_effect_equals_Rs(string name, int factors, string[] generators, ErrorEstimate source)
    {
        var design = generators.Length == 0
            ? FactorialDesign.Full(factors)
            : FactorialDesign.Fraction(factors, generators.Select(g => g.Split('='))
                .Select(p => new FactorialDesign.Generator(Effect.Letters.IndexOf(p[0][0]), Effect.Parse(p[1], factors)!.Value)).ToList());
        var data = Csv(Path.Combine(Folder, $"{name}.data.csv"));
        var configurations = design.Configurations();
        foreach (var row in data) // R built the same configurations in the same order
        {
            var configuration = configurations[int.Parse(row["configuration"])];
            for (var f = 0; f < factors; f++)
                Assert.Equal(configuration[f], int.Parse(row[Effect.Letters[f].ToString()]));
        }
        var observations = data.Select(r => new FactorialObservation(int.Parse(r["configuration"]), long.Parse(r["seed"]), Number(r["y"]))).ToList();
        var labels = Enumerable.Range(0, factors).Select(f => $"factor {f}").ToList();

        var result = FactorialAnalysis.Analyze(design, observations, labels, labels.Select(_ => (int?)1).ToList(), 0.95, Correction.Holm);

        Assert.Equal(source, result.ErrorEstimate);
        var expected = Csv(Path.Combine(Folder, $"{name}.lm.csv"));
        var effects = result.MainEffects.Concat(result.Interactions).ToList();
        Assert.Equal(expected.Select(e => e["term"]), effects.Select(e => e.Term));
        foreach (var (r, e) in expected.Zip(effects))
        {
            Close(Number(r["effect"]), e.Estimate, e.Term);
            Close(Number(r["se"]), e.StandardError!.Value, e.Term);
            Close(Number(r["t"]), e.T!.Value, e.Term);
            Close(Number(r["df"]), e.Df!.Value, e.Term);
            Close(Number(r["p"]), e.P!.Value, e.Term);
        }
        if (result.Df < FactorialAnalysis.FewResidualDf)
            Assert.Contains(result.Notes, n => n.Contains("seeds"));
        if (source == ErrorEstimate.Lenth)
            Assert.Contains(result.Notes, n => n.Contains("Lenth"));
    }

    [Fact]
    public void Holm_runs_within_each_family_and_the_interval_covers_the_estimate()
    {
        var design = FactorialDesign.Full(3);
        var data = Csv(Path.Combine(Folder, "full-2-3-seeds-3.data.csv"));
        var observations = data.Select(r => new FactorialObservation(int.Parse(r["configuration"]), long.Parse(r["seed"]), Number(r["y"]))).ToList();
        var result = FactorialAnalysis.Analyze(design, observations, ["ema", "tta", "label-smoothing"], [1, 1, 1], 0.95, Correction.Holm);

        Assert.Equal(PValueAdjustment.Adjust(result.MainEffects.Select(e => e.P!.Value).ToList(), Correction.Holm), result.MainEffects.Select(e => e.AdjustedP!.Value));
        Assert.Equal(PValueAdjustment.Adjust(result.Interactions.Select(e => e.P!.Value).ToList(), Correction.Holm), result.Interactions.Select(e => e.AdjustedP!.Value));
        Assert.Equal("ema × tta", result.Interactions[0].Label);
        Assert.All(result.MainEffects, e => Assert.InRange(e.Estimate, e.Lower!.Value, e.Upper!.Value));
        Assert.True(result.MainEffects[0].Significant); // 0.5 points against σ 0.15 with 24 runs
    }

    [Fact]
    public void The_effect_at_the_base_recipe_is_the_model_at_the_base_levels()
    {
        var design = FactorialDesign.Full(3);
        var data = Csv(Path.Combine(Folder, "full-2-3-seeds-3.data.csv"));
        var observations = data.Select(r => new FactorialObservation(int.Parse(r["configuration"]), long.Parse(r["seed"]), Number(r["y"]))).ToList();
        var result = FactorialAnalysis.Analyze(design, observations, ["A", "B", "C"], [1, 1, -1], 0.95, Correction.Holm);

        // A at B high, C low: its main effect plus AB minus AC (each interaction effect is twice its coefficient).
        var main = result.MainEffects.Single(e => e.Term == "A").Estimate;
        var ab = result.Interactions.Single(e => e.Term == "AB").Estimate;
        var ac = result.Interactions.Single(e => e.Term == "AC").Estimate;
        var atBase = result.AtBase.Single(e => e.Term == "A");
        Assert.Equal(main + ab - ac, atBase.Estimate, 1e-12);
        // Three coefficients, independent with equal variance: the error is √3 times the main effect's.
        Assert.Equal(Math.Sqrt(3) * result.MainEffects[0].StandardError!.Value, atBase.StandardError!.Value, 1e-12);

        var fraction = FactorialDesign.Fraction(6, [new(4, Effect.Parse("ABC", 6)!.Value), new(5, Effect.Parse("BCD", 6)!.Value)]);
        var iv = Csv(Path.Combine(Folder, "iv-2-6-2-seeds-1.data.csv"))
            .Select(r => new FactorialObservation(int.Parse(r["configuration"]), long.Parse(r["seed"]), Number(r["y"]))).ToList();
        Assert.Empty(FactorialAnalysis.Analyze(fraction, iv, ["a", "b", "c", "d", "e", "f"], [1, 1, 1, 1, 1, 1], 0.95, Correction.Holm).AtBase);
    }

    [Fact]
    public void Too_few_runs_or_configurations_that_do_not_separate_the_effects_are_a_note()
    {
        var design = FactorialDesign.Full(3);
        var few = FactorialAnalysis.Analyze(design, [new(0, 1, 1.0), new(1, 1, 2.0)], ["a", "b", "c"], [1, 1, 1], 0.95, Correction.Holm);
        Assert.Empty(few.MainEffects);
        Assert.Contains("Wait for more runs", Assert.Single(few.Notes));

        var repeated = Enumerable.Range(0, 8).Select(i => new FactorialObservation(i % 4, i / 4, i)).ToList(); // half the configurations, twice
        var confounded = FactorialAnalysis.Analyze(design, repeated, ["a", "b", "c"], [1, 1, 1], 0.95, Correction.Holm);
        Assert.Empty(confounded.MainEffects);
        Assert.Contains("do not separate", Assert.Single(confounded.Notes));
    }

    private static void Close(double expected, double actual, string term) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Max(Math.Abs(expected), 1e-300) || Math.Abs(actual - expected) < 1e-14,
            $"{term}: expected {expected:R}, got {actual:R}");

    private static double Number(string text) => double.Parse(text.Trim(), CultureInfo.InvariantCulture);

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Fields(lines[0]);
        return lines.Skip(1).Select(l => header.Zip(Fields(l)).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>R's write.csv: fields quoted when text, no quotes inside them.</summary>
    private static string[] Fields(string line) => line.Split(',').Select(f => f.Trim('"')).ToArray();
}
