using System.Text.Json.Nodes;
using Runner.Core.Batches;
using Runner.Core.Recipes;

namespace Runner.Tests.Batches;

public sealed class BatchPlannerTests
{
    private static readonly BatchLimits Limits = new() { MaxRuns = 100, MaxArms = 8, MaxSeeds = 20 };

    private static (BatchPlan? Plan, Dictionary<string, string[]> Errors) Plan(string json)
    {
        var (spec, errors) = BatchSpec.Read(JsonNode.Parse(json));
        return spec is null ? (null, errors) : BatchPlanner.Plan(spec, Limits);
    }

    private static BatchPlan Valid(string json)
    {
        var (plan, errors) = Plan(json);
        Assert.True(plan is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        return plan;
    }

    [Fact]
    public void Leave_one_out_gives_the_base_as_baseline_and_the_base_without_each_trick()
    {
        var plan = Valid("""{"name": "loo", "base": {"preset": "tta", "overrides": {"width": 0.25}}, "leaveOneOut": ["ema", "whitening"], "seeds": 2}""");

        Assert.Equal(["base", "no-ema", "no-whitening"], plan.Arms.Select(a => a.Name));
        Assert.Equal([true, false, false], plan.Arms.Select(a => a.IsBaseline));
        Assert.Equal("base", plan.Baseline);
        var tta = Presets.Find("tta")!.Recipe with { Width = 0.25 };
        Assert.Equal(RecipeJson.Hash(tta), RecipeJson.Hash(plan.Arms[0].Recipe));
        Assert.Equal(RecipeJson.Hash(Trick.Find("ema")!.Off(tta)), RecipeJson.Hash(plan.Arms[1].Recipe));
        Assert.Equal(RecipeJson.Hash(Trick.Find("whitening")!.Off(tta)), RecipeJson.Hash(plan.Arms[2].Recipe));
    }

    [Fact]
    public void Add_one_in_switches_each_trick_on_in_the_base()
    {
        var plan = Valid("""{"name": "aoi", "base": {"preset": "baseline"}, "addOneIn": ["label-smoothing", "celu"], "seeds": [7, 9]}""");

        Assert.Equal(["base", "with-label-smoothing", "with-celu"], plan.Arms.Select(a => a.Name));
        Assert.Equal(0.2, plan.Arms[1].Recipe.LabelSmoothing);
        Assert.Equal(Activation.Celu, plan.Arms[2].Recipe.Activation);
        Assert.Equal([7L, 9L], plan.Seeds);
    }

    [Fact]
    public void Runs_interleave_the_arms_seed_by_seed()
    {
        var plan = Valid("""{"name": "order", "base": {"preset": "tta"}, "leaveOneOut": ["ema", "tta"], "seeds": 3}""");

        Assert.Equal(
            ["base/0", "no-ema/0", "no-tta/0", "base/1", "no-ema/1", "no-tta/1", "base/2", "no-ema/2", "no-tta/2"],
            plan.Runs.Select(r => $"{r.Arm.Name}/{r.Seed}"));
        Assert.Equal(Enumerable.Range(0, 9), plan.Runs.Select(r => r.Position));
    }

    [Fact]
    public void An_arm_with_its_own_preset_keeps_the_base_overrides_and_its_own()
    {
        var plan = Valid("""
            {"name": "stages", "base": {"preset": "tta", "overrides": {"width": 0.25, "epochs": 2}},
             "arms": [{"name": "stage-1", "preset": "baseline", "overrides": {"batchSize": 256}}, {"name": "no-cutout", "off": ["cutout"]}],
             "seeds": 1}
            """);

        var stage = plan.Arms[1].Recipe;
        Assert.Equal((0.25, 2, 256, false), (stage.Width, stage.Epochs, stage.BatchSize, stage.Ema));
        var noCutout = plan.Arms[2].Recipe;
        Assert.Equal((0, true, 0.25), (noCutout.Cutout, noCutout.Ema, noCutout.Width));
    }

    [Fact]
    public void Defaults_are_the_honest_ones()
    {
        var plan = Valid("""{"name": "defaults", "base": {}, "arms": [{"name": "b", "off": ["tta"]}], "seeds": 2}""");

        Assert.Equal(("test-accuracy", 0.95, "gpu", Runner.Core.Queueing.Priority.Normal, null as string), (plan.Metric.Name, plan.Level, plan.Queue, plan.Priority, plan.Data));
        Assert.Equal(Core.Statistics.Correction.Holm, plan.Correction);
        Assert.Equal(Core.Statistics.UnpairedTest.Welch, plan.Test);
        Assert.Equal(Presets.Find("tta")!.Recipe.Epochs, plan.Arms[0].Recipe.Epochs);
    }

    [Theory]
    [InlineData("""{"base": {"preset": "tta"}, "seeds": 2}""", "name")]
    [InlineData("""{"name": "x", "seeds": 2}""", "base")]
    [InlineData("""{"name": "x", "base": {"preset": "nope"}, "seeds": 2}""", "base.preset")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "on": ["warp-drive"]}, "seeds": 2}""", "base.on[0]")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "overrides": {"width": -1}}, "seeds": 2}""", "base.width")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "overrides": {"colour": 1}}, "seeds": 2}""", "base.overrides.colour")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "arms": [{"name": "a", "off": ["nope"]}], "seeds": 2}""", "arms[0].off[0]")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "arms": [{"name": "a"}, {"name": "a"}], "seeds": 2}""", "arms[1].name")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "arms": [{"name": "base"}], "seeds": 2}""", "arms[0].name")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "arms": [{"off": ["ema"]}], "seeds": 2}""", "arms[0].name")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "leaveOneOut": ["nope"], "seeds": 2}""", "leaveOneOut[0]")]
    [InlineData("""{"name": "x", "base": {"preset": "baseline"}, "leaveOneOut": ["ema"], "seeds": 2}""", "leaveOneOut[0]")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 0}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 21}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": [1, 1]}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": [1, -2]}""", "seeds[1]")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": "many"}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "leaveOneOut": ["ema", "tta", "whitening", "celu", "ghost-bn"], "seeds": 20}""", "seeds")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "metric": "vibes"}""", "metric")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "leaveOneOut": ["tta"], "seeds": 2, "metric": "tta-accuracy"}""", "metric")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "analysis": {"level": 1.5}}""", "analysis.level")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "analysis": {"correction": "magic"}}""", "analysis.correction")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "queue": "tpu"}""", "queue")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "overrides": {"precision": "fp16"}}, "seeds": 2, "queue": "cpu"}""", "queue")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "priority": "urgent"}""", "priority")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "data": "synthetic:5"}""", "data")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "data": "synthetic:300"}""", "data")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "overrides": {"batchSize": 64}}, "arms": [{"name": "big", "overrides": {"batchSize": 512}}], "seeds": 2, "data": "synthetic:500"}""", "data")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "baseline": "nope"}""", "baseline")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "includeBase": false, "arms": [{"name": "a"}]}""", "baseline")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "overrides": {"trainSubset": 100}}, "seeds": 2}""", "base.overrides.trainSubset")]
    [InlineData("""{"name": "x", "base": {"preset": "tta"}, "seeds": 2, "colour": "red"}""", "colour")]
    [InlineData("""{"name": "x", "base": {"preset": "tta", "shade": 1}, "seeds": 2}""", "base.shade")]
    [InlineData("""{"name": 5, "base": {"preset": "tta"}, "seeds": 2}""", "name")]
    [InlineData("""[1, 2]""", "body")]
    public void A_bad_specification_names_the_field(string json, string field)
    {
        var (plan, errors) = Plan(json);

        Assert.Null(plan);
        Assert.True(errors.ContainsKey(field), $"expected an error for '{field}', got: {string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}"))}");
    }

    [Fact]
    public void Synthetic_data_smaller_than_an_arms_batch_names_the_arm_and_a_trained_subset_counts_too()
    {
        var (plan, errors) = Plan("""{"name": "x", "base": {"preset": "tta", "overrides": {"batchSize": 64}}, "arms": [{"name": "big", "overrides": {"batchSize": 512}}], "seeds": 2, "data": "synthetic:500"}""");
        Assert.Null(plan);
        Assert.Equal("'synthetic:500' has 500 training images, fewer than one batch of 512 in arm 'big'; every run would fail.", errors["data"][0]);

        Assert.NotNull(Plan("""{"name": "x", "base": {"preset": "tta", "overrides": {"batchSize": 64}}, "seeds": 2, "data": "synthetic:100"}""").Plan);
        Assert.NotNull(Plan("""{"name": "x", "base": {"preset": "tta", "overrides": {"batchSize": 64, "trainSubset": 128}}, "seeds": 2, "data": "synthetic"}""").Plan);
        Assert.True(Plan("""{"name": "x", "base": {"preset": "tta", "overrides": {"batchSize": 64}}, "seeds": 2, "data": "synthetic:63"}""").Errors.ContainsKey("data"));
    }

    [Fact]
    public void Too_many_arms_is_refused_by_the_limit()
    {
        var arms = string.Join(", ", Enumerable.Range(0, 9).Select(i => $$$"""{"name": "a{{{i}}}", "overrides": {"momentum": 0.{{{i + 1}}}}}"""));
        var (plan, errors) = Plan($$"""{"name": "x", "base": {"preset": "tta"}, "arms": [{{arms}}], "seeds": 1}""");

        Assert.Null(plan);
        Assert.Contains("Batches:MaxArms", errors["arms"][0]);
    }
}
