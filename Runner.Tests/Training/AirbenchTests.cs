using System.Text.Json.Nodes;
using Runner.Core.Data;
using Runner.Core.Devices;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Tests.Training;

/// <summary>The airbench94 family (docs/recipe.md, "airbench94"): its constants, each of its tricks' defining property, and a CPU-scale run.</summary>
[Collection(TorchCollection.Name)]
public sealed class AirbenchTests
{
    private static readonly Recipe Airbench94 = Presets.Find("airbench94")!.Recipe;
    private static readonly Recipe Small = Airbench94 with { Width = 0.125 };

    private static void Same(Tensor expected, Tensor actual, double tolerance = 1e-5) =>
        Assert.True(allclose(expected, actual, rtol: tolerance, atol: tolerance), $"max difference {(expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>()}");

    private static Parameter Named(nn.Module model, string name) => model.named_parameters().Single(p => p.name == name).parameter;

    [Fact]
    public void The_preset_carries_airbench94s_constants_in_one_recipe()
    {
        var r = Airbench94;
        Assert.Empty(r.Validate());
        Assert.Equal((Network.Airbench, 9.9, 1024, Optimizer.Decoupled, 0.85, 0.0153), (r.Network, r.Epochs, r.BatchSize, r.Optimizer, r.Momentum, r.WeightDecay));
        Assert.Equal((64.0, 1 / 64.0, true, 0.4, 1e-12, Activation.Gelu, 1 / 9.0), (r.BiasLearningRateScale, r.BiasWeightDecayScale, r.FrozenBatchNormScales, r.BatchNormMomentum, r.BatchNormEpsilon, r.Activation, r.OutputScale));
        Assert.Equal((true, 5e-4, 5000, 3, true), (r.Whitening, r.WhiteningEpsilon, r.WhiteningImages, r.WhiteningBiasEpochs, r.DiracInit));
        Assert.Equal((2, true, 0, false, 0.2, true, true, true, false), (r.Translate, r.AlternatingFlip, r.Cutout, r.GroupAugmentation, r.LabelSmoothing, r.Lookahead, r.Tta, r.TtaTranslate, r.Ema));
        Assert.Equal([64, 256, 256], r.Channels);
        Assert.Equal(Normalisation.Airbench, r.Normalisation);
        Assert.DoesNotContain("normalisation", RecipeJson.Canonical(Presets.Find("tta")!.Recipe)); // the ResNet-9 stages keep their hashes

        // 48 steps per epoch, ⌈48 · 9.9⌉ = 476 steps, warm-up over ⌊0.23 · 476⌋ = 109 of them, in 10 epochs (the last cut short).
        Assert.Equal((48, 476L, 10), (r.StepsPerEpoch, r.TotalSteps(r.StepsPerEpoch), r.EpochCount));
        Assert.Equal([0, 109 / 48.0, 476 / 48.0], r.LearningRate.Knots);
        Assert.Equal([0.2 * 11.5, 11.5, 0.07 * 11.5], r.LearningRate.Values);

        // The reference's PyTorch arguments: lr 11.5 / (1024 · (1 + 1/(1 − 0.85))) ≈ 1.465e-3 and weight_decay = wd · batch / lr.
        Assert.Equal(11.5 / (1024 * (1 + 1 / (1 - 0.85))), 11.5 / NesterovSgd.KilostepScale(r.Momentum), 15);
        Assert.Equal(1.4648e-3, 11.5 / NesterovSgd.KilostepScale(r.Momentum), 7);
        Assert.DoesNotContain(Presets.All.Take(10), p => p.Recipe.Network == Network.Airbench);
    }

    [Fact]
    public void A_run_refuses_data_normalised_another_way_naming_the_field()
    {
        using var data = new DeviceData(SyntheticCifar.Generate(64, 16, seed: 1), CPU);

        Assert.Equal("Invalid recipe: normalisation: the data on the device is normalised as cifar10-fast, the recipe asks for airbench.",
            Trainer.Problem(Small with { BatchSize = 32 }, data));
        Assert.Null(Trainer.Problem(Small with { BatchSize = 32, Normalisation = Normalisation.Cifar10Fast }, data));
    }

    [Fact]
    public void Each_step_gets_the_references_learning_rate_read_at_its_start()
    {
        // airbench94.py: get_lr(step) for the step-th scheduler step, i.e. optimiser step step + 1.
        static double Reference(int step)
        {
            const int total = 476, warmup = 109;
            if (step < warmup)
                return 0.2 * (1 - (double)step / warmup) + 1.0 * step / warmup;
            var frac = (double)(step - warmup) / (total - warmup);
            return 1.0 * (1 - frac) + 0.07 * frac;
        }
        for (var t = 1; t <= 476; t++)
            Assert.Equal(11.5 * Reference(t - 1), NesterovSgd.LearningRate(Airbench94, t, 48), tolerance: 1e-12);
    }

    [Fact]
    public void Overriding_the_epochs_batch_or_subset_re_derives_the_one_cycle_over_the_new_steps()
    {
        var (recipe, errors) = new Variant("airbench94", Overrides: new JsonObject { ["trainSubset"] = 5000, ["batchSize"] = 256, ["epochs"] = 3.5 }).Build();
        Assert.Empty(errors);
        // 19 steps per epoch, ⌈19 · 3.5⌉ = 67 steps, warm-up ⌊0.23 · 67⌋ = 15.
        Assert.Equal([0, 15 / 19.0, 67 / 19.0], recipe!.LearningRate.Knots);
        Assert.Equal(11.5, recipe.LearningRate.Peak);
        var (explicitSchedule, _) = new Variant("airbench94", Overrides: new JsonObject { ["batchSize"] = 512, ["learningRate"] = new JsonObject { ["knots"] = new JsonArray(0, 9.9), ["values"] = new JsonArray(5, 5) } }).Build();
        Assert.Equal([0, 9.9], explicitSchedule!.LearningRate.Knots);
    }

    [Theory]
    [InlineData("airbench94", null, """{"cutout": 8}""", "cutout", "no cutout")]
    [InlineData("airbench94", null, """{"groupAugmentation": true}""", "groupAugmentation", "airbench augments")]
    [InlineData("airbench94", null, """{"tta": false, "ttaTranslate": true}""", "ttaTranslate", "switch tta on")]
    [InlineData("tta", "alternating-flip", null, "alternatingFlip", "network airbench")]
    [InlineData("tta", "whitening-bias", null, "whiteningBiasEpochs", "Only airbench")]
    [InlineData("airbench94", null, """{"learningRate": {"knots": [0, 1], "values": [0, 0]}}""", "optimizer", "above 0")]
    public void A_switch_that_does_not_apply_to_the_family_is_refused_by_name(string preset, string? on, string? overrides, string field, string message)
    {
        var (recipe, errors) = new Variant(preset, On: on is null ? null : [on], Overrides: overrides is null ? null : JsonNode.Parse(overrides)!.AsObject()).Build();
        Assert.Null(recipe);
        Assert.Contains(message, Assert.Single(errors, e => e.Key == field).Value[0]);
    }

    [Fact]
    public void Each_trick_switches_off_to_what_it_says()
    {
        Recipe Off(string trick) => new Variant("airbench94", Off: [trick]).Build().Recipe!;
        Assert.Equal((true, false), (Off("tta-translate").Tta, Off("tta-translate").TtaTranslate));
        Assert.Equal((false, false), (Off("tta").Tta, Off("tta").TtaTranslate));
        Assert.Equal(Airbench94 with { AlternatingFlip = false }, Off("alternating-flip"));
        Assert.Equal(Airbench94 with { Lookahead = false }, Off("lookahead"));
        Assert.Equal(Airbench94 with { WhiteningBiasEpochs = 0 }, Off("whitening-bias"));
        Assert.Equal(Airbench94 with { DiracInit = false }, Off("dirac-init"));
        Assert.Equal(Airbench94 with { Whitening = false }, Off("whitening"));
        Assert.Equal(Airbench94 with { LabelSmoothing = 0 }, Off("label-smoothing"));
        Assert.All(Trick.All.Select(t => t.Name).Where(t => t is not ("ema" or "cutout" or "gpu-data" or "pool-before-bn" or "celu" or "ghost-bn" or "frozen-bn-scales")),
            t => Assert.Empty(Off(t).Validate()));
    }

    [Fact]
    public void The_network_is_three_conv_groups_after_a_2x2_whitening_conv()
    {
        manual_seed(1);
        using var model = new Airbench(Airbench94);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([24L, 3, 2, 2], shapes["whiten.weight"]);
        Assert.Equal([24L], shapes["whiten.bias"]);
        Assert.Equal([10L, 256], shapes["classifier.weight"]);
        long expected = 24 * 3 * 4 + 24 + 256 * 10;
        foreach (var (cin, cout) in new[] { (24L, 64L), (64L, 256L), (256L, 256L) })
            expected += cin * cout * 9 + 2 * cout + cout * cout * 9 + 2 * cout;
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
        Assert.Equal(1_972_792L, expected); // "about 2M parameters" (the reference's header)
        Assert.All(model.named_parameters().Where(p => p.name.EndsWith("bn.weight", StringComparison.Ordinal)), p => Assert.False(p.parameter.requires_grad));
        Assert.True(Named(model, "whiten.weight").requires_grad); // trainable until whitening sets and freezes it
        Assert.Equal(0, Named(model, "whiten.bias").abs().sum().item<float>());

        using var x = randn(2, 3, 32, 32);
        Assert.Equal([2L, 10], model.forward(x).shape);
    }

    [Fact]
    public void Dirac_init_makes_each_conv_the_identity_on_its_first_in_channels()
    {
        manual_seed(2);
        using var model = new Airbench(Small);
        var conv = Named(model, "layers.0.conv.weight"); // 8 out, 24 in: every out filter is a delta
        var second = Named(model, "layers.1.conv.weight"); // 8 × 8
        foreach (var w in new[] { conv, second })
        {
            var filters = Math.Min(w.shape[0], w.shape[1]);
            using var identity = zeros_like(w.narrow(0, 0, filters));
            for (var i = 0; i < filters; i++)
                identity[i, i, 1, 1] = 1;
            Same(identity, w.narrow(0, 0, filters), 0);
        }
        var wide = Named(new Airbench(Small with { Width = 1 }), "layers.0.conv.weight"); // 64 out, 24 in: the other 40 keep the default init
        Assert.True(wide.narrow(0, 24, 40).abs().sum().item<float>() > 0 && wide.narrow(0, 24, 40).ne(0).sum().item<long>() > 40 * 24 * 9 / 2);
        using var plain = new Airbench(Small with { DiracInit = false });
        Assert.NotEqual(1f, Named(plain, "layers.1.conv.weight")[0, 0, 1, 1].item<float>());
    }

    [Fact]
    public void The_2x2_whitening_of_the_shared_CIFAR10_is_finite_and_whitens_its_patches()
    {
        using var data = new DeviceData(SharedCifar.Data.Value.WithTrainSubset(5000), CPU, Normalisation.Airbench);
        using var images = data.TrainCentre(5000);
        using var filters = Whitening.PatchFilters(images, 5e-4);
        Assert.Equal([24L, 3, 2, 2], filters.shape);
        Assert.True(filters.isfinite().all().item<bool>());
        Same(-filters.narrow(0, 0, 12), filters.narrow(0, 12, 12), 0);
        // Each eigenvector's sign is fixed (its largest component positive), not left to the LAPACK build.
        var first = filters.narrow(0, 0, 12).flatten(1);
        Assert.True(first.gather(1, first.abs().argmax(1, keepdim: true)).gt(0).all().item<bool>());

        // In float64 every eigenvalue is positive, the smallest well below ε: a float32 sum would put some below zero (docs/recipe.md).
        using var patches = Whitening.Patches(images, kernel: 2);
        using var moments = patches.t().matmul(patches) / patches.shape[0];
        var eigenvalues = linalg.eigvalsh(moments).flip(0);
        Assert.True(eigenvalues.min().item<double>() is > 0 and < 5e-4, $"smallest eigenvalue {eigenvalues.min().item<double>()}");

        // The whitened patches' second moment is diag(λ / (λ + ε)): about 1 on the directions well above ε.
        var whitened = F.conv2d(images, filters.narrow(0, 0, 12)).permute(0, 2, 3, 1).reshape(-1, 12).to(ScalarType.Float64);
        var covariance = whitened.t().matmul(whitened) / whitened.shape[0];
        Same(diag(eigenvalues / (eigenvalues + 5e-4)), covariance, 1e-3);
        var strong = eigenvalues.gt(100 * 5e-4);
        Assert.True(strong.sum().item<long>() >= 6);
        Assert.True(covariance.diagonal().masked_select(strong).min().item<double>() > 0.99);
    }

    [Fact]
    public void The_lookahead_pulls_the_network_to_its_average_then_copies_it_back()
    {
        manual_seed(3);
        using var model = new Airbench(Small);
        using var lookahead = new Lookahead(model);
        var before = model.state_dict().Where(e => e.Value.is_floating_point()).ToDictionary(e => e.Key, e => e.Value.clone());
        using (no_grad())
            foreach (var (_, value) in model.state_dict().Where(e => e.Value.is_floating_point()))
                value.add_(1);
        Assert.Contains("whiten.weight", before.Keys);
        Assert.Contains(before.Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));

        lookahead.Pull(0.3);
        foreach (var (name, value) in model.state_dict().Where(e => e.Value.is_floating_point()))
            Same(before[name] * 0.3 + (before[name] + 1) * 0.7, value);

        using (no_grad())
            foreach (var (_, value) in model.state_dict().Where(e => e.Value.is_floating_point()))
                value.add_(5);
        lookahead.AfterStep(476, 476); // the last step: a full revert to the average, not a pull
        foreach (var (name, value) in model.state_dict().Where(e => e.Value.is_floating_point()))
            Same(before[name] + 0.7, value);

        // The pull is made without recording gradients: every parameter stays a leaf that trains, and the next step backpropagates.
        Assert.All(model.parameters(), p => Assert.True(p.is_leaf));
        Assert.True(Named(model, "layers.0.conv.weight").requires_grad);
        using var x = randn(4, 3, 32, 32);
        model.forward(x).sum().backward();
        Assert.NotNull(Named(model, "layers.0.conv.weight").grad);

        Assert.Equal(Math.Pow(0.95, 5) * Math.Pow(5 / 476.0, 3), Lookahead.DecayAt(5, 476), 15);
        Assert.Equal(Math.Pow(0.95, 5), Lookahead.DecayAt(476, 476), 15);
    }

    [Fact]
    public void The_decoupled_step_is_pytorchs_nesterov_sgd_with_the_references_arguments()
    {
        manual_seed(4);
        var recipe = Small;
        using var model = new Airbench(recipe);
        using var optimizer = new NesterovSgd(model, recipe);
        Assert.Equal(6, optimizer.BiasCount); // the six BN biases; the whitening conv's bias is in the other group, as the reference's
        using var x = randn(16, 3, 32, 32);
        using var y = randint(0, 10, 16);
        model.zero_grad();
        F.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Sum).backward();

        var conv = Named(model, "layers.2.conv.weight");
        var bias = Named(model, "layers.2.bn.bias");
        var whitenBias = Named(model, "whiten.bias");
        var (w0, g0, b0, gb0) = (conv.detach().clone(), conv.grad!.clone(), bias.detach().clone(), bias.grad!.clone());
        var lr = 11.5 / NesterovSgd.KilostepScale(0.85);
        var decay = 0.0153 * recipe.BatchSize / 11.5;

        optimizer.Step(11.5);

        // The first step: buf = g + λw, w ← w − lr · (1 + μ) · buf; the bias at ×64 the rate and 1/64 the decay coefficient.
        Same(w0 - (g0 + w0 * decay) * (lr * 1.85), conv.detach(), 1e-6);
        Same(b0 - (gb0 + b0 * (decay / 64)) * (lr * 64 * 1.85), bias.detach(), 1e-6);
        Assert.NotEqual(0, whitenBias.abs().sum().item<float>()); // trained while whitening-bias says so

        // Frozen after its epochs, the whitening bias keeps its value even though it still holds a gradient.
        var frozen = whitenBias.detach().clone();
        F.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Sum).backward();
        whitenBias.requires_grad = false;
        Assert.NotNull(whitenBias.grad);
        optimizer.Step(11.5);
        Same(frozen, whitenBias.detach(), 0);
    }

    [Fact]
    public void Alternating_flip_flips_a_random_half_then_alternates_every_image_by_epoch()
    {
        manual_seed(5);
        using var images = randn(400, 3, 32, 32);
        using var padded = F.pad(images, [4, 4, 4, 4], PaddingModes.Reflect);
        using var generator = new Generator(7);
        using var loader = new AirbenchAugmentation(padded, Small with { Translate = 0 }, generator);
        using var first = loader.Epoch(0);
        using var second = loader.Epoch(1);
        using var third = loader.Epoch(2);

        var flipped = first.ne(images).flatten(1).any(1);
        Same(first.flip(3), second, 0);
        Same(first, third, 0);
        Same(where(flipped.view(-1, 1, 1, 1), images.flip(3), images), first, 0);
        Assert.InRange(flipped.to(ScalarType.Float64).mean().item<double>(), 0.4, 0.6);

        using var random = new AirbenchAugmentation(padded, Small with { Translate = 0, AlternatingFlip = false }, generator);
        using var a = random.Epoch(0);
        using var b = random.Epoch(1);
        var alternated = a.flip(3).eq(b).flatten(1).all(1).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(alternated, 0.3, 0.7); // a fresh coin per image: about half happen to alternate
    }

    [Fact]
    public void Translation_crops_each_image_at_its_own_shift_of_at_most_the_recipes_pixels()
    {
        manual_seed(6);
        using var images = randn(60, 3, 32, 32);
        using var padded = F.pad(images, [4, 4, 4, 4], PaddingModes.Reflect);
        using var generator = new Generator(8);
        using var crops = AirbenchAugmentation.Translate(padded, 2, generator);
        var shifts = new HashSet<(int, int)>();
        for (var i = 0; i < 60; i++)
        {
            var found = (from dy in Enumerable.Range(-2, 5) from dx in Enumerable.Range(-2, 5)
                         where padded[i].narrow(1, 4 + dy, 32).narrow(2, 4 + dx, 32).eq(crops[i]).all().item<bool>()
                         select (dy, dx)).ToList();
            Assert.NotEmpty(found);
            shifts.Add(found[0]);
        }
        Assert.True(shifts.Count > 10, $"{shifts.Count} distinct shifts of 25");
    }

    [Fact]
    public void Tta_level_2_weights_the_six_views_a_quarter_a_quarter_and_an_eighth_each()
    {
        manual_seed(7);
        using var model = new Airbench(Small);
        model.eval();
        using var x = randn(4, 3, 32, 32);
        using var padded = F.pad(x, [1, 1, 1, 1], PaddingModes.Reflect);
        var (up, down) = (padded.narrow(2, 0, 32).narrow(3, 0, 32), padded.narrow(2, 2, 32).narrow(3, 2, 32));
        Tensor f(Tensor v) => model.forward(v);
        var expected = f(x) * 0.25 + f(x.flip(3)) * 0.25 + (f(up) + f(up.flip(3)) + f(down) + f(down.flip(3))) * 0.125;
        Same(expected, Trainer.Logits(model, x, tta: true, translate: true));
        Same((f(x) + f(x.flip(3))) / 2, Trainer.Logits(model, x, tta: true, translate: false));
    }

    [Fact]
    public void A_narrow_airbench94_learns_real_CIFAR10_in_a_fractional_number_of_epochs()
    {
        // airbench94 at width 1/8 on 5,000 images in batches of 250: 20 steps per epoch, 3.5 epochs = 70 steps, the last epoch 10.
        var (recipe, errors) = new Variant("airbench94", Overrides: new JsonObject { ["width"] = 0.125, ["trainSubset"] = 5000, ["batchSize"] = 250, ["epochs"] = 3.5 }).Build();
        Assert.Empty(errors);
        var cifar = SharedCifar.Data.Value.WithTrainSubset(5000);
        using var data = new DeviceData(cifar with { TestImages = cifar.TestImages[..(2000 * Cifar10.ImageBytes)], TestLabels = cifar.TestLabels[..2000] }, CPU, recipe!.Normalisation);
        var epochs = new List<EpochMetrics>();
        var steps = new List<StepProgress>();

        var result = Trainer.Run(recipe!, data, seed: 1, DeviceDescription.Describe(WorkerDevice.Cpu), onEpoch: epochs.Add, onStep: steps.Add);

        Assert.Equal((4, 70L), (epochs.Count, result.Steps));
        Assert.All(epochs, e => Assert.Equal(4, e.Epochs));
        Assert.Equal(70L, steps[^1].Step);
        Assert.Equal(70L, steps[^1].TotalSteps);
        Assert.All(epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
        Assert.True(result.TtaAccuracy > 0.3, $"TTA accuracy {result.TtaAccuracy:P1} after 70 steps on 5,000 images (2,000 test images)");
        Console.WriteLine($"airbench94 at width 1/8, 70 steps on 5,000 images: test {result.TestAccuracy:P1}, TTA {result.TtaAccuracy:P1}, {result.TrainingSeconds:F1} s training");
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss);
    }
}
