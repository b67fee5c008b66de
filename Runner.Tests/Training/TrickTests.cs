using Runner.Core.Recipes;
using Runner.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

using Runner.Tests.Infrastructure;

namespace Runner.Tests.Training;

/// <summary>Each trick's defining property against the reference (docs/recipe.md).</summary>
[Collection(TorchCollection.Name)]
public sealed class TrickTests
{
    private static readonly Recipe Small = Presets.Baseline with { Width = 0.125, BatchSize = 32 };

    private static void Same(Tensor expected, Tensor actual, double tolerance = 1e-5) =>
        Assert.True(allclose(expected, actual, rtol: tolerance, atol: tolerance), $"max difference {(expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>()}");

    private static void CopyState(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict())
            tensor.copy_(source[name]);
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Celu)]
    public void Max_pool_before_the_activation_gives_exactly_the_output_after_it(Activation activation)
    {
        manual_seed(1);
        var recipe = Small with { Activation = activation, CeluAlpha = 0.3 };
        using var after = new ConvBlock(3, 8, true, recipe with { Pool = PoolPlacement.AfterActivation });
        using var before = new ConvBlock(3, 8, true, recipe with { Pool = PoolPlacement.BeforeActivation });
        CopyState(after, before);
        using var x = randn(16, 3, 8, 8);

        Assert.True(after.forward(x).eq(before.forward(x)).all().item<bool>());
    }

    [Fact]
    public void Ghost_batch_norm_equals_batch_norm_on_each_interleaved_split()
    {
        manual_seed(2);
        const int splits = 4, channels = 3;
        using var ghost = new GhostBatchNorm(channels, splits, frozenScale: false);
        using (no_grad())
        {
            ghost.parameters().First().copy_(tensor(new[] { 1.5f, 0.5f, 2f }));
            ghost.parameters().Last().copy_(tensor(new[] { 0.1f, -0.2f, 0.3f }));
        }
        using var x = randn(32, channels, 5, 5) * 3 + 1;
        var y = ghost.forward(x);

        for (var k = 0; k < splits; k++)
        {
            var members = arange(k, 32, splits);
            var part = x.index_select(0, members);
            using var mean = zeros(channels);
            using var variance = ones(channels);
            var expected = F.batch_norm(part, mean, variance, tensor(new[] { 1.5f, 0.5f, 2f }), tensor(new[] { 0.1f, -0.2f, 0.3f }), true, 0.1, 1e-5);
            Same(expected, y.index_select(0, members));
            Same(mean, ghost.RunningMean.view(splits, channels)[k]);
            Same(variance, ghost.RunningVar.view(splits, channels)[k]);
        }

        ghost.eval();
        var evaluated = ghost.forward(x);
        var averageMean = ghost.RunningMean.view(splits, channels).mean([0]);
        var averageVar = ghost.RunningVar.view(splits, channels).mean([0]);
        Same(F.batch_norm(x, averageMean, averageVar, tensor(new[] { 1.5f, 0.5f, 2f }), tensor(new[] { 0.1f, -0.2f, 0.3f }), false, 0.1, 1e-5), evaluated);
    }

    [Fact]
    public void One_ghost_split_is_plain_batch_norm()
    {
        manual_seed(3);
        using var ghost = new GhostBatchNorm(4, 1, frozenScale: false);
        using var plain = nn.BatchNorm2d(4);
        using var x = randn(8, 4, 3, 3);
        Same(plain.forward(x), ghost.forward(x));
        Same(plain.running_mean!, ghost.RunningMean);
    }

    [Fact]
    public void Whitening_makes_the_patch_covariance_the_identity()
    {
        manual_seed(4);
        // Correlated "images": smooth noise, so neighbouring pixels and channels covary strongly.
        using var images = F.avg_pool2d(randn(200, 3, 18, 18), 3, stride: 1) * 2 + 0.5;

        using var filter = Whitening.Filter(images, 1e-9);
        var whitened = F.conv2d(images, filter);
        var patches = whitened.permute(0, 2, 3, 1).reshape(-1, 27).to(ScalarType.Float64);
        var covariance = Whitening.Covariance(patches);
        Same(eye(27, dtype: ScalarType.Float64), covariance, 2e-3);

        // With the reference's ε the covariance is diag(λ / (λ + ε)), largest eigenvalue first.
        using var regularised = Whitening.Filter(images, 1e-2);
        var eigenvalues = linalg.eigvalsh(Whitening.Covariance(Whitening.Patches(images))).flip(0);
        var diagonal = Whitening.Covariance(F.conv2d(images, regularised).permute(0, 2, 3, 1).reshape(-1, 27).to(ScalarType.Float64)).diagonal();
        Same(eigenvalues / (eigenvalues + 1e-2), diagonal, 2e-3);
    }

    [Fact]
    public void The_whitening_conv_is_frozen_and_left_out_of_the_optimiser()
    {
        manual_seed(5);
        var recipe = Small with { Whitening = true, FrozenBatchNormScales = true };
        using var images = randn(64, 3, 32, 32);
        using var filter = Whitening.Filter(images, 1e-2);
        using var model = new ResNet9(recipe, filter);
        var whiten = model.named_parameters().Single(p => p.name.StartsWith("whiten", StringComparison.Ordinal));
        Assert.False(whiten.parameter.requires_grad);
        Same(filter, whiten.parameter);

        using var optimizer = new NesterovSgd(model, recipe);
        F.cross_entropy(model.forward(images), randint(0, 10, 64), reduction: nn.Reduction.Sum).backward();
        optimizer.Step(0.4);
        Same(filter, whiten.parameter, 0);
    }

    [Fact]
    public void Frozen_scales_get_no_gradient_and_the_bias_group_moves_at_the_multiplied_rate()
    {
        manual_seed(6);
        var recipe = Small with { FrozenBatchNormScales = true, BiasLearningRateScale = 64, BiasWeightDecayScale = 1 / 64.0 };
        using var model = new ResNet9(recipe);
        var parameters = model.named_parameters().ToList();
        var bnWeights = parameters.Where(p => p.name.EndsWith("bn.weight", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bnWeights);
        Assert.All(bnWeights, p => Assert.False(p.parameter.requires_grad));

        using var optimizer = new NesterovSgd(model, recipe);
        Assert.Equal(parameters.Count(p => p.name.EndsWith("bias", StringComparison.Ordinal)), optimizer.BiasCount);
        var bias = parameters.First(p => p.name.EndsWith("bn.bias", StringComparison.Ordinal)).parameter;
        var conv = parameters.First(p => p.name.EndsWith("conv.weight", StringComparison.Ordinal)).parameter;
        var (bias0, conv0) = (bias.detach().clone(), conv.detach().clone());

        using var x = randn(32, 3, 32, 32);
        F.cross_entropy(model.forward(x), randint(0, 10, 32), reduction: nn.Reduction.Sum).backward();
        Assert.All(bnWeights, p => Assert.Null(p.parameter.grad));
        var (biasGrad, convGrad) = (bias.grad!.clone(), conv.grad!.clone());
        optimizer.Step(0.4);

        // First step, zero velocity: w ← w − lr·(1 + μ)·(∇ + wd·w), lr = 0.4/32 (×64 for biases), wd = 5e-4·32 (÷64).
        var lr = 0.4 / 32;
        var wd = 5e-4 * 32;
        Same(bias0 - lr * 64 * 1.9 * (biasGrad + wd / 64 * bias0), bias, 1e-5);
        Same(conv0 - lr * 1.9 * (convGrad + wd * conv0), conv, 1e-5);
    }

    [Fact]
    public void Summed_loss_and_scaled_decay_give_the_reference_update_over_several_steps()
    {
        // A one-layer model; the reference update (§1.3) is written out in doubles beside Page's in-place form.
        manual_seed(7);
        var recipe = Presets.Baseline with { BatchSize = 8, Momentum = 0.9, WeightDecay = 5e-4 };
        using var model = nn.Linear(4, 3, hasBias: false);
        using var optimizer = new NesterovSgd(model, recipe);
        var w = model.weight!.detach().to(ScalarType.Float64).clone();
        var v = zeros_like(w);
        for (var step = 0; step < 5; step++)
        {
            using var x = randn(8, 4);
            using var y = randint(0, 3, 8);
            model.zero_grad();
            F.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Sum).backward();
            var g = model.weight!.grad!.to(ScalarType.Float64);
            var (lr, wd) = (0.3 / 8, 5e-4 * 8);
            var d = -lr * (g + wd * w);
            v = 0.9 * v + d;
            w = w + d + 0.9 * v;
            optimizer.Step(0.3);
        }
        Same(w.to(ScalarType.Float32), model.weight!, 1e-5);
    }

    [Fact]
    public void Label_smoothing_equals_its_formula_summed_over_the_batch()
    {
        manual_seed(8);
        using var logits = randn(16, 10);
        using var labels = randint(0, 10, 16);
        var logp = F.log_softmax(logits, 1);
        var formula = (0.8 * F.nll_loss(logp, labels, reduction: nn.Reduction.None) + 0.2 * -logp.mean([1])).sum();
        Same(formula, F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum, label_smoothing: 0.2));
    }

    [Fact]
    public void The_EMA_update_follows_its_formula_and_covers_batch_norm_statistics()
    {
        manual_seed(9);
        using var live = new ResNet9(Small);
        using var average = new ResNet9(Small);
        var ema = new Ema(average, live);
        var before = average.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

        live.train();
        live.forward(randn(32, 3, 32, 32)); // moves the BN running statistics
        using (no_grad())
            foreach (var p in live.parameters())
                p.add_(0.01);
        ema.Update(0.95);

        var liveState = live.state_dict();
        foreach (var (name, value) in average.state_dict().Where(e => e.Value.is_floating_point()))
            Same(0.95 * before[name] + 0.05 * liveState[name], value, 1e-6);
        Assert.Contains(average.state_dict().Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));
        Assert.False(average.state_dict().First(e => e.Key.EndsWith("running_mean", StringComparison.Ordinal)).Value.eq(before.First(e => e.Key.EndsWith("running_mean", StringComparison.Ordinal)).Value).all().item<bool>());
    }

    [Fact]
    public void TTA_is_the_mean_of_the_logits_of_the_image_and_its_mirror()
    {
        manual_seed(10);
        using var model = new ResNet9(Small);
        model.eval();
        using var x = randn(4, 3, 32, 32);
        using var _ = no_grad();
        Same((model.forward(x) + model.forward(x.flip(3))) / 2, Trainer.Logits(model, x, tta: true));
        Same(model.forward(x), Trainer.Logits(model, x, tta: false));
    }

    [Fact]
    public void The_output_is_scaled_logits_of_a_bias_free_classifier()
    {
        manual_seed(11);
        using var eighth = new ResNet9(Small);
        using var sixteenth = new ResNet9(Small with { OutputScale = 1 / 16.0 });
        CopyState(eighth, sixteenth);
        eighth.eval();
        sixteenth.eval();
        using var x = randn(2, 3, 32, 32);
        Same(eighth.forward(x) / 2, sixteenth.forward(x));
        Assert.DoesNotContain(eighth.named_parameters(), p => p.name.StartsWith("classifier.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void The_EMA_counter_restarts_each_epoch_or_runs_over_the_run_as_the_originals()
    {
        const int stepsPerEpoch = 97;
        IEnumerable<int> Updates(EmaCounter counter, int epoch) => Enumerable.Range(0, stepsPerEpoch)
            .Where(b => Ema.Due(Small with { EmaCounter = counter }, b, (long)(epoch - 1) * stepsPerEpoch + b + 1));

        Assert.Equal([0, 5, 10], Updates(EmaCounter.Epoch, 2).Take(3));
        Assert.Equal(20, Updates(EmaCounter.Epoch, 2).Count());
        Assert.Equal([0, 5, 10], Updates(EmaCounter.Run, 1).Take(3));
        Assert.Equal([3, 8, 13], Updates(EmaCounter.Run, 2).Take(3)); // 97 = 5·19 + 2: the phase shifts by 2 each epoch
        Assert.Equal([1, 6, 11], Updates(EmaCounter.Run, 3).Take(3));
    }

    [Fact]
    public void The_EMA_model_can_evaluate_with_split_0s_statistics_after_a_one_time_collation()
    {
        using var bn = new GhostBatchNorm(2, 4, frozenScale: true);
        using (no_grad())
        {
            bn.RunningMean.copy_(tensor(new float[] { 1, 10, 3, 30, 5, 50, 7, 70 })); // splits (1, 10), (3, 30), (5, 50), (7, 70)
            bn.RunningVar.fill_(1);
        }
        bn.eval();
        using var x = zeros(1, 2, 1, 1);

        Assert.Equal([-4f, -40f], Round(bn.forward(x)));  // the mean of the splits: (4, 40)
        bn.FirstSplitInEvaluation = true;
        Assert.Equal([-1f, -10f], Round(bn.forward(x)));  // split 0's
        bn.Collate();
        Assert.Equal([-4f, -40f], Round(bn.forward(x)));  // collated: every split holds the mean
        Assert.Equal(new float[] { 4, 40, 4, 40, 4, 40, 4, 40 }, bn.RunningMean.data<float>().ToArray());

        static float[] Round(Tensor t) => t.flatten().data<float>().Select(v => MathF.Round(v, 3)).ToArray();
    }

    [Fact]
    public void The_later_switches_leave_a_recipes_canonical_json_and_hash_alone_at_their_defaults()
    {
        var recipe = Presets.Find("tta")!.Recipe;
        var original = recipe with { EmaCounter = EmaCounter.Run, EmaStatistics = EmaStatistics.FirstSplit };

        Assert.DoesNotContain("emaCounter", RecipeJson.Canonical(recipe));
        Assert.Contains("\"emaCounter\":\"run\",\"emaStatistics\":\"first-split\"", RecipeJson.Canonical(original));
        Assert.NotEqual(RecipeJson.Hash(recipe), RecipeJson.Hash(original));
        Assert.Equal(original, RecipeJson.FromNode(System.Text.Json.Nodes.JsonNode.Parse(RecipeJson.Canonical(original))!));
        Assert.Equal(recipe, RecipeJson.FromNode(System.Text.Json.Nodes.JsonNode.Parse(RecipeJson.Canonical(recipe))!));
        Assert.Equal("epoch", RecipeJson.ToNode(recipe)["emaCounter"]!.GetValue<string>()); // overrides and diffs see every field
    }
}
