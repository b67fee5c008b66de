using System.Text.Json.Nodes;
using Runner.Core.Recipes;

namespace Runner.Tests.Training;

public sealed class RecipeTests
{
    private static Recipe Preset(string name) => Presets.Find(name)!.Recipe;

    [Fact]
    public void Presets_carry_the_epochs_and_peak_learning_rates_of_the_reference_table()
    {
        var expected = new (string Name, int Epochs, double Peak)[]
        {
            ("baseline", 24, 0.4), ("gpu-data", 24, 0.4), ("pool-before-bn", 25, 0.4), ("label-smoothing", 23, 0.4), ("celu", 20, 0.4),
            ("ghost-bn", 18, 0.6), ("frozen-bn-scales", 17, 0.6), ("whitening", 14, 1.0), ("ema", 13, 1.0), ("tta", 10, 1.0),
        };
        Assert.Equal(expected.Select(e => e.Name), Presets.All.Select(p => p.Name));
        foreach (var (name, epochs, peak) in expected)
        {
            var r = Preset(name);
            Assert.Equal(epochs, r.Epochs);
            Assert.Equal(peak, r.LearningRate.Values.Max());
            Assert.Empty(r.Validate());
        }
        Assert.Equal([0, 5, 24], Preset("baseline").LearningRate.Knots);
        Assert.Equal([0, 23 / 5.0, 23], Preset("label-smoothing").LearningRate.Knots);
    }

    [Fact]
    public void The_final_preset_is_the_reference_configuration()
    {
        var r = Preset("tta");
        Assert.Equal(new Schedule([0, 2, 8], [0, 1.0, 0.1]), r.LearningRate);
        Assert.Equal((512, 5e-4, 0.9, 0), (r.BatchSize, r.WeightDecay, r.Momentum, r.Cutout));
        Assert.Equal(("celu", 0.3, 16, true), (r.Activation, r.CeluAlpha, r.GhostBatchNormSplits, r.FrozenBatchNormScales));
        Assert.Equal((64.0, 1 / 64.0, 1 / 16.0), (r.BiasLearningRateScale, r.BiasWeightDecayScale, r.OutputScale));
        Assert.Equal((true, 1e-2, 10_000), (r.Whitening, r.WhiteningEpsilon, r.WhiteningImages));
        Assert.Equal((true, 0.99, 5, true, 0.2), (r.Ema, r.EmaMomentum, r.EmaEvery, r.Tta, r.LabelSmoothing));
        Assert.Equal(PoolPlacement.BeforeBatchNorm, r.Pool);
        // 0.256 for weights and 0.004 for BN biases once multiplied by the batch (reference §5).
        Assert.Equal(0.256, r.WeightDecay * r.BatchSize, 12);
        Assert.Equal(0.004, r.WeightDecay * r.BatchSize * r.BiasWeightDecayScale, 12);
    }

    [Fact]
    public void The_schedule_hits_its_knots_and_holds_the_last_value()
    {
        var s = Preset("tta").LearningRate;
        Assert.Equal([0, 1.0, 0.1], s.Knots.Select(s.At));
        Assert.Equal(0.5, s.At(1), 12);
        Assert.Equal(0.1, s.At(9.5));
        // In steps of 97 per epoch: peak at step 194, the 0.1 floor from step 776 to 970.
        Assert.Equal(1.0, s.At(194 / 97.0));
        Assert.Equal(0.1, s.At(776 / 97.0), 12);
        Assert.Equal(0.1, s.At(970 / 97.0));
    }

    [Fact]
    public void Canonical_json_and_hash_are_stable_and_round_trip()
    {
        var r = Preset("tta");
        Assert.Equal(RecipeJson.Hash(r), RecipeJson.Hash(RecipeJson.FromNode(JsonNode.Parse(RecipeJson.Canonical(r))!)));
        Assert.Equal(r, RecipeJson.FromNode(RecipeJson.ToNode(r)));
        Assert.NotEqual(RecipeJson.Hash(r), RecipeJson.Hash(r with { Epochs = 11 }));
        Assert.Equal(64, RecipeJson.Hash(r).Length);
        Assert.StartsWith("{\"epochs\":10,\"batchSize\":512,\"learningRate\":{\"knots\":[0,2,8]", RecipeJson.Canonical(r));
    }

    [Fact]
    public void A_variant_switches_tricks_and_overrides_fields()
    {
        var (recipe, errors) = new Variant("tta", Off: ["ema"], Overrides: new JsonObject { ["width"] = 0.25, ["epochs"] = 5 }).Build();
        Assert.Empty(errors);
        Assert.False(recipe!.Ema);
        Assert.Equal((0.25, 5), (recipe.Width, recipe.Epochs));
        Assert.Equal([0, 1, 4], recipe.LearningRate.Knots); // stretched with the epochs
        Assert.Equal([16, 32, 64, 128], recipe.Channels);
    }

    [Fact]
    public void A_trick_switched_off_restores_the_baseline_behaviour()
    {
        var baseline = Presets.Baseline;
        foreach (var trick in Trick.All.Where(t => t.Name is not "cutout" and not "ema"))
            Assert.Equal(baseline, trick.Off(trick.On(baseline)));
        Assert.Equal(Preset("whitening") with { Whitening = false }, Trick.Find("whitening")!.Off(Preset("whitening")));
    }

    [Theory]
    [InlineData("nope", null, null, null, "preset")]
    [InlineData("tta", "sparkles", null, null, "on[0]")]
    [InlineData("tta", null, "ema,glitter", null, "off[1]")]
    [InlineData("tta", null, null, """{"colour":"red"}""", "overrides.colour")]
    [InlineData("tta", null, null, """{"epochs":"many"}""", "overrides.epochs")]
    [InlineData("tta", null, null, """{"epochs":0}""", "epochs")]
    [InlineData("tta", null, null, """{"ghostBatchNormSplits":7}""", "ghostBatchNormSplits")]
    [InlineData("tta", null, null, """{"activation":"gelu"}""", "activation")]
    public void Invalid_variants_name_the_field_and_build_nothing(string preset, string? on, string? off, string? overrides, string field)
    {
        var variant = new Variant(preset, on?.Split(','), off?.Split(','), overrides is null ? null : JsonNode.Parse(overrides)!.AsObject());
        var (recipe, errors) = variant.Build("arms[2].");
        Assert.Null(recipe);
        Assert.Contains($"arms[2].{field}", errors.Keys);
    }

    [Fact]
    public void A_recipe_diff_lists_only_the_fields_that_differ_with_both_values()
    {
        var baseline = RecipeJson.ToNode(Presets.Find("tta")!.Recipe);
        var (arm, _) = new Variant("tta", Off: ["ema"], Overrides: new System.Text.Json.Nodes.JsonObject { ["width"] = 0.25 }).Build();

        var changes = RecipeDiff.Between(baseline, RecipeJson.ToNode(arm!));

        Assert.Contains(changes, c => c.ToString() == "ema: true → false");
        Assert.Contains(changes, c => c.ToString() == "width: 1 → 0.25");
        Assert.Empty(RecipeDiff.Between(baseline, baseline));
    }
}
