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
        Assert.Equal(expected.Select(e => e.Name).Append("airbench94"), Presets.All.Select(p => p.Name));
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
        Assert.Equal((Activation.Celu, 0.3, 16, true), (r.Activation, r.CeluAlpha, r.GhostBatchNormSplits, r.FrozenBatchNormScales));
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
        Assert.Equal([0, 1, 3], recipe.LearningRate.Knots); // re-derived: warm-up to epochs / 5, the floor two epochs before the end
        Assert.Equal([16, 32, 64, 128], recipe.Channels);
    }

    [Fact]
    public void A_trick_switched_off_restores_the_baseline_behaviour_or_says_what_it_keeps()
    {
        var baseline = Presets.Baseline;
        foreach (var trick in Trick.All.Where(t => t.Keeps is null))
            Assert.Equal(baseline, trick.Off(trick.On(baseline)));
        Assert.Equal(["whitening", "ema", "tta-translate", "alternating-flip", "whitening-bias", "cutout"], Trick.All.Where(t => t.Keeps is not null).Select(t => t.Name));
        Assert.Equal(Preset("whitening") with { Whitening = false }, Trick.Find("whitening")!.Off(Preset("whitening"))); // cutout stays 5×5, as it says
        Assert.Equal(Preset("tta").LearningRate, Trick.Find("ema")!.Off(Preset("tta")).LearningRate); // the floor stays, as it says
    }

    /// <summary>
    /// The canonical recipes' hashes before the presets were built from the tricks (2026-11-26): building them
    /// from Trick.On changed nothing; the changes are the precision, now auto (the reference's fp16 on CUDA), and
    /// the name of gpuData, now groupAugmentation.
    /// </summary>
    [Fact]
    public void Presets_built_by_switching_tricks_on_are_the_recipes_they_replaced_but_for_the_precision()
    {
        var before = new Dictionary<string, string>
        {
            ["baseline"] = "28aecd0c8cb0aa2e874ee946d18b18e5473353f7fe5df3841566edcf6e41b968",
            ["gpu-data"] = "888c8ffe18d53440c915ccd9ca0d78077ee3ab2596606d84cc2f12f50b1f1f58",
            ["pool-before-bn"] = "ab29cfbbc9a25960d4af70733cc72f0149788b6adbb27f0662b493a975232a78",
            ["label-smoothing"] = "67e37636e30bfdcdc975b773c09d45812c8d0815c6dcf0eb7322d9c94572841e",
            ["celu"] = "874cd566a0ca89d443468a03b9621bd922aea33d831695d90c18b869728f05d4",
            ["ghost-bn"] = "f579dcea665309d69525c09c61c5892dccc359842b9753bac8198e871a7a64a0",
            ["frozen-bn-scales"] = "4d3538071ba4df74311cd1f2853d7bfacea97db23f0c02f56a96d77b5a73b75e",
            ["whitening"] = "66564d1b08cdc88744a8700f8d0e61b464d3aa437ba90bbc61f9523fa81fe00f",
            ["ema"] = "050c72b784792d19c28392df2e2fc0e40f6f345d93822b83aa1fd790b7548833",
            ["tta"] = "b20b845fb59549be540dc82569b7fd0c1858ce5f13a8486911a8de4088c384c2",
        };
        // The canonical JSON as it was written then: fp32, and groupAugmentation still named gpuData.
        Assert.Equal(before, Presets.All.Where(p => p.Recipe.Network == Network.ResNet9).ToDictionary(p => p.Name,
            p => RecipeJson.HashOf(RecipeJson.Canonical(p.Recipe with { Precision = Precision.Fp32 }).Replace("\"groupAugmentation\":", "\"gpuData\":"))));
        Assert.All(Presets.All, p => Assert.Equal(Precision.Auto, p.Recipe.Precision));
        Assert.DoesNotContain("network", RecipeJson.Canonical(Preset("tta"))); // the later switches at their defaults are left out
        var json = RecipeJson.ToNode(Preset("tta"));
        Assert.Equal(("auto", "celu"), (json["precision"]!.GetValue<string>(), json["activation"]!.GetValue<string>()));
        Assert.Equal(Precision.Fp16, RecipeJson.FromNode(new JsonObject(json.Select(kv => KeyValuePair.Create(kv.Key, kv.Key == "precision" ? JsonValue.Create("fp16") : kv.Value?.DeepClone())))).Precision);
    }

    [Theory]
    [InlineData(Precision.Auto, false, Precision.Fp32)]
    [InlineData(Precision.Auto, true, Precision.Fp16)]
    [InlineData(Precision.Fp32, true, Precision.Fp32)]
    [InlineData(Precision.Fp16, true, Precision.Fp16)]
    public void Auto_precision_is_the_references_on_cuda_and_fp32_on_the_cpu(Precision recipe, bool cuda, Precision runs) =>
        Assert.Equal(runs, recipe.On(cuda));

    [Theory]
    [InlineData("tta", 5, new double[] { 0, 1, 3 }, new double[] { 0, 1.0, 0.1 })]
    [InlineData("tta", 20, new double[] { 0, 4, 18 }, new double[] { 0, 1.0, 0.1 })]
    [InlineData("ema", 7, new double[] { 0, 1.4, 5 }, new double[] { 0, 1.0, 0.1 })]
    [InlineData("whitening", 10, new double[] { 0, 2, 10 }, new double[] { 0, 1.0, 0 })]
    [InlineData("ghost-bn", 9, new double[] { 0, 1.8, 9 }, new double[] { 0, 0.6, 0 })]
    [InlineData("label-smoothing", 3, new double[] { 0, 0.6, 3 }, new double[] { 0, 0.4, 0 })]
    [InlineData("baseline", 12, new double[] { 0, 5, 12 }, new double[] { 0, 0.4, 0 })] // the first stages warm up to epoch 5 whatever the epochs
    [InlineData("pool-before-bn", 40, new double[] { 0, 5, 40 }, new double[] { 0, 0.4, 0 })]
    public void Overriding_the_epochs_re_derives_the_schedule_by_the_originals_rule(string preset, int epochs, double[] knots, double[] values)
    {
        var (recipe, errors) = new Variant(preset, Overrides: new JsonObject { ["epochs"] = epochs }).Build();

        Assert.Empty(errors);
        Assert.Equal(knots, recipe!.LearningRate.Knots, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(values, recipe.LearningRate.Values);
    }

    [Fact]
    public void An_explicit_learning_rate_wins_over_the_re_derived_schedule()
    {
        var (recipe, _) = new Variant("tta", Overrides: new JsonObject { ["epochs"] = 5, ["learningRate"] = JsonNode.Parse("""{"knots": [0, 2, 5], "values": [0, 0.5, 0]}""") }).Build();

        Assert.Equal([0, 2, 5], recipe!.LearningRate.Knots);
        Assert.Equal([0, 0.5, 0], recipe.LearningRate.Values);
    }

    [Fact]
    public void The_EMA_floor_is_a_tenth_of_the_peak()
    {
        var halfPeak = Preset("whitening") with { LearningRate = Schedule.Triangle(14, 2.8, 0.5) };

        var ema = Trick.Find("ema")!.On(halfPeak).LearningRate;

        Assert.Equal([0, 0.5, 0.05], ema.Values);
        Assert.Equal([0, 2.8, 12], ema.Knots);
    }

    [Theory]
    [InlineData("nope", null, null, null, "preset")]
    [InlineData("tta", "sparkles", null, null, "on[0]")]
    [InlineData("tta", null, "ema,glitter", null, "off[1]")]
    [InlineData("tta", null, null, """{"colour":"red"}""", "overrides.colour")]
    [InlineData("tta", null, null, """{"epochs":"many"}""", "overrides.epochs")]
    [InlineData("tta", null, null, """{"epochs":0}""", "epochs")]
    [InlineData("tta", null, null, """{"ghostBatchNormSplits":7}""", "ghostBatchNormSplits")]
    [InlineData("tta", null, null, """{"activation":"swish"}""", "overrides.activation")] // a closed set: refused as it is read
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

        // Stored canonical JSON leaves later switches out at their defaults; the diff still reads both values.
        var stored = JsonNode.Parse(RecipeJson.Canonical(Presets.Find("tta")!.Recipe));
        var original = JsonNode.Parse(RecipeJson.Canonical(Presets.Find("tta")!.Recipe with { EmaCounter = EmaCounter.Run }));
        Assert.Equal("emaCounter: \"epoch\" → \"run\"", Assert.Single(RecipeDiff.Between(stored, original)).ToString());
    }
}
