using System.Text.Json.Nodes;
using Runner.Core.Batches;
using Runner.Core.Recipes;

namespace Runner.Tests.Factorial;

/// <summary>A batch's "factorial" member: configurations as arms in standard order, seeds as blocks, refusals by field.</summary>
public sealed class FactorialPlannerTests
{
    private static readonly BatchLimits Limits = new() { MaxRuns = 200, MaxArms = 8, MaxSeeds = 20 };

    private static (BatchPlan? Plan, Dictionary<string, string[]> Errors) Plan(string factorial, string more = "", string seeds = "2")
    {
        var (spec, errors) = BatchSpec.Read(JsonNode.Parse($$$"""
            {"name": "design", "base": {"preset": "tta", "overrides": {"width": 0.125}}, "seeds": {{{seeds}}}, "factorial": {{{factorial}}}{{{more}}} }
            """));
        return spec is null ? (null, errors) : BatchPlanner.Plan(spec, Limits);
    }

    private static string Error((BatchPlan? Plan, Dictionary<string, string[]> Errors) result, string field)
    {
        Assert.Null(result.Plan);
        Assert.True(result.Errors.ContainsKey(field), string.Join("; ", result.Errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        return result.Errors[field][0];
    }

    [Fact]
    public void A_full_design_runs_every_configuration_in_standard_order_with_every_seed()
    {
        var (plan, errors) = Plan("""{"factors": [{"trick": "ema"}, {"trick": "tta"}, {"field": "labelSmoothing", "low": 0, "high": 0.2}], "design": "full"}""");
        Assert.True(plan is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));

        Assert.Equal(["1", "a", "b", "ab", "c", "ac", "bc", "abc"], plan.Arms.Select(a => a.Name));
        var tta = Presets.Find("tta")!.Recipe with { Width = 0.125 };
        Assert.Equal(RecipeJson.Hash(tta), RecipeJson.Hash(plan.Arms[7].Recipe)); // the base has all three at their high level
        Assert.Equal("abc", plan.Baseline);
        Assert.False(plan.Arms[0].Recipe.Ema);
        Assert.False(plan.Arms[0].Recipe.Tta);
        Assert.Equal(0, plan.Arms[0].Recipe.LabelSmoothing);
        Assert.True(plan.Arms[1].Recipe.Ema);
        Assert.False(plan.Arms[1].Recipe.Tta);
        Assert.Equal(16, plan.Runs.Count);
        Assert.Equal(["1/0", "a/0"], plan.Runs.Take(2).Select(r => $"{r.Arm.Name}/{r.Seed}"));
        Assert.Equal([1, 1, 1], plan.Factorial!.Factors.Select(f => f.BaseLevel));
    }

    [Fact]
    public void A_resolution_or_generators_give_a_fraction()
    {
        var five = """[{"trick": "ema"}, {"trick": "tta"}, {"trick": "label-smoothing"}, {"trick": "cutout"}, {"trick": "celu"}]""";
        var (byResolution, _) = Plan($$$"""{"factors": {{{five}}}, "design": {"resolution": 5}}""");
        Assert.Equal("2^(5−1) resolution V, 16 configurations", byResolution!.Factorial!.Design.Describe());
        Assert.Equal(16, byResolution.Arms.Count);

        var (byGenerators, _) = Plan($$$"""{"factors": {{{five}}}, "design": {"generators": {"D": "AB", "E": "AC"} } }""");
        Assert.Equal(3, byGenerators!.Factorial!.Design.Resolution);
        Assert.Equal(["de", "a", "be", "abd"], byGenerators.Arms.Take(4).Select(a => a.Name)); // D = AB, E = AC beside A, B, C in standard order
        Assert.Equal(8, byGenerators.Arms.Count);
    }

    [Fact]
    public void Factorial_is_refused_with_arms_shortcuts_sequential_include_base_and_baseline_each_named()
    {
        Assert.Contains("leave out arms", Error(Plan("""{"factors": [{"trick": "ema"}, {"trick": "tta"}]}""", """, "arms": [{"name": "x"}]"""), "arms"));
        var all = Plan("""{"factors": [{"trick": "ema"}, {"trick": "tta"}]}""",
            """, "leaveOneOut": ["ema"], "addOneIn": ["celu"], "sequential": {"looks": 2}, "includeBase": true, "baseline": "base" """);
        foreach (var field in new[] { "leaveOneOut", "addOneIn", "sequential", "includeBase", "baseline" })
            Error(all, field);
    }

    [Theory]
    [InlineData("""{"factors": [{"trick": "ema"}]}""", "factorial.factors", "2 to 15 factors")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "sparkle"}]}""", "factorial.factors[1].trick", "not a trick")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "ema"}]}""", "factorial.factors[1].trick", "already a factor")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"field": "width", "low": 0.125, "high": 0.125}]}""", "factorial.factors[1].high", "must differ")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"field": "colour", "low": 1, "high": 2}]}""", "factorial.factors[1].field", "not a recipe field")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta", "field": "width", "low": 1, "high": 2}]}""", "factorial.factors[1]", "not both")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"field": "width", "low": 0.125, "high": -3}]}""", "factorial.configurations[2] = b: width", "")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta"}], "design": "half"}""", "factorial.design", "\"full\"")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta"}], "design": {"resolution": 9}}""", "factorial.design.resolution", "3 to 8")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta"}, {"trick": "cutout"}], "design": {"generators": {"C": "AC"}}}""", "factorial.design.generators", "base factors only")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta"}, {"trick": "cutout"}], "design": {"generators": {"Q": "AB"}}}""", "factorial.design.generators.Q", "not a factor's letter")]
    [InlineData("""{"factors": [{"trick": "ema"}, {"trick": "tta"}, {"trick": "cutout"}], "design": {"generators": {"C": "AX"}}}""", "factorial.design.generators.C", "product of factor letters")]
    public void A_bad_factorial_is_refused_naming_its_field(string factorial, string field, string message) =>
        Assert.Contains(message, Error(Plan(factorial), field));

    [Fact]
    public void A_design_over_the_run_limit_is_refused_before_its_configurations_are_built()
    {
        var eight = string.Join(", ", Trick.All.Take(8).Select(t => $$"""{"trick": "{{t.Name}}"}"""));
        Assert.Contains("2^8 design has 256 configurations", Error(Plan($$"""{"factors": [{{eight}}], "design": "full"}"""), "factorial.design"));
        var fifteen = string.Join(", ", Trick.All.Take(10).Select(t => $$"""{"trick": "{{t.Name}}"}""")
            .Concat(new[] { "epochs", "width", "batchSize", "emaMomentum", "celuAlpha" }.Select(f => $$"""{"field": "{{f}}", "low": 1, "high": 2}""")));
        Assert.Equal("No design of 15 factors with resolution 5 has at most 100 configurations (Batches__MaxRuns) with 2 seeds.",
            Error(Plan($$$"""{"factors": [{{{fifteen}}}], "design": {"resolution": 5}}"""), "factorial.design.resolution"));
    }

    [Fact]
    public void Configurations_with_the_same_recipe_are_refused()
    {
        // The field's value overrides what the trick sets, so switching the trick changes nothing.
        var message = Error(Plan("""{"factors": [{"trick": "label-smoothing"}, {"field": "labelSmoothing", "low": 0, "high": 0.2}], "design": "full"}""", "", "1"), "factorial.factors");
        Assert.Contains("same recipe", message);
    }
}
