using Runner.Core.Data;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Runner's engine against cifar10-fast's own training, step for step (golden trajectories of tools/reference,
/// docs/recipe.md "Conformance"): the network built with the original's initial parameters, trained on the original's
/// batches by <see cref="Learner"/> (the training loop's steps), fp32 on the CPU. Bounds: 1e-5 relative (‖a − b‖ / ‖b‖)
/// where both sides start from the same state (step 1, and the last step from the original's state before it), or the
/// float32 noise of the original itself where that is larger (a step-1 gradient that ReLU and max-pool ties make
/// sensitive), and <see cref="Growth"/> times that noise along the free run: the script measured it by running the
/// original again with every initial parameter one ulp away and with two threads (another summation order).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ConformanceTests(ITestOutputHelper output)
{
    /// <summary>Where both sides start from the same state; one ulp in every parameter moves step 1's gradients by 3e-6.</summary>
    private const double Exact = 1e-5;


    /// <summary>How far Runner may drift along the free run, in multiples of the original's own float32 noise at each step.</summary>
    private const double Growth = 10;

    /// <summary>Below this a per-step loss difference is float32 rounding of a sum of 512 terms.</summary>
    private const double Floor = 1e-6;

    private static readonly Lazy<DeviceData> Data = new(() =>
    {
        var data = GoldenTrajectory.Manifest.Value["data"]!;
        var (train, test) = ((int)data["trainImages"]!, (int)data["testImages"]!);
        var cifar = SharedCifar.Data.Value;
        var hashes = (GoldenTrajectory.Sha256(cifar.TrainImages[..(train * Cifar10.ImageBytes)]), GoldenTrajectory.Sha256(cifar.TestImages[..(test * Cifar10.ImageBytes)]));
        Assert.True(hashes == ((string)data["trainImagesSha256"]!, (string)data["testImagesSha256"]!),
            $"The golden trajectories were made from the shared JPEG-derived copy; these tests read {SharedCifar.Source} (set RUNNER_TEST_CIFAR10 to the shared copy).");
        return new DeviceData(cifar.WithTrainSubset(train) with { TestImages = cifar.TestImages[..(test * Cifar10.ImageBytes)], TestLabels = cifar.TestLabels[..test] }, CPU);
    });

    public static TheoryData<string> Trajectories => new(GoldenTrajectory.Manifest.Value["trajectories"]!.AsObject().Select(t => t.Key));

    /// <summary>The trajectories whose file keeps the state before the last step (the final stage's: see tools/reference).</summary>
    public static TheoryData<string> Resumable => new(GoldenTrajectory.Manifest.Value["trajectories"]!.AsObject()
        .Where(t => t.Value!["stored"]!.AsArray().Any(p => (string)p! == "resume/state")).Select(t => t.Key));

    [Fact]
    public void The_inputs_are_the_originals_bit_for_bit_normalised_and_reflect_padded()
    {
        var data = GoldenTrajectory.Manifest.Value["data"]!;
        Assert.Equal((string)data["paddedSha256"]!, GoldenTrajectory.Sha256(Data.Value.TrainPadded));
        Assert.Equal((string)data["testSha256"]!, GoldenTrajectory.Sha256(Data.Value.Test));
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void The_first_step_matches_the_original(string trajectory)
    {
        var golden = GoldenTrajectory.Load(trajectory);
        var run = FreeRuns.Run(golden, Data.Value);
        var check = new Divergence(trajectory);

        check.Within("step 1 logits", run.Step1Logits, golden["step1/logits"], Exact);
        check.Within("step 1 loss", run.Losses[0], golden["step1/loss"].item<float>(), Exact);
        check.Within("step 1 gradient", run.Step1Gradients, golden.State("step1/grad"), name => Math.Max(Exact, golden.Step1GradientNoise[name]));
        check.Within("after step 1", run.Step1State, golden.State("step1/state"), Exact);
        if (golden.Recipe.Ema)
        {
            // The original's first EMA update (checked by the script): ρ·init + (1 − ρ)·(state after step 1).
            var rho = Math.Pow(golden.Recipe.EmaMomentum, golden.Recipe.EmaEvery);
            var init = golden.State("init");
            check.Within("EMA after its first update", run.Ema1State!, golden.State("step1/state").ToDictionary(e => e.Key, e => init[e.Key] * rho + e.Value * (1 - rho)), Exact);
        }

        check.Assert(output);
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void Every_steps_loss_and_the_final_state_stay_within_the_originals_float32_noise(string name)
    {
        var golden = GoldenTrajectory.Load(name);
        var run = FreeRuns.Run(golden, Data.Value);
        var noise = golden.StepLossNoise();
        var losses = golden["losses"].data<double>().ToArray();
        var check = new Divergence(name);

        Assert.Equal(golden.Steps, run.Losses.Length);
        for (var step = 0; step < golden.Steps; step++)
            check.Within($"step {step + 1} loss", run.Losses[step], losses[step], Growth * noise[step] + Floor);
        check.Within(golden.Recipe.Tta ? "TTA logits" : "test logits", run.EvalLogits, golden["eval/logits"], Growth * (double)golden.Noise["evalLogitsRelative"]!);
        if (golden.Arrays.Keys.Any(k => k.StartsWith("final/state/", StringComparison.Ordinal)))
            check.Within("final state", run.Final, golden.State("final/state"), Growth * (double)golden.Noise["finalStateRelative"]!);
        if (golden.Recipe.Ema && golden.Arrays.Keys.Any(k => k.StartsWith("ema_final/state/", StringComparison.Ordinal)))
            check.Within("final EMA", run.EmaFinal!, golden.State("ema_final/state"), Growth * (double)golden.Noise["emaFinalStateRelative"]!);

        check.Assert(output);
    }

    [Theory]
    [MemberData(nameof(Resumable))]
    public void The_last_step_from_the_originals_state_before_it_matches_and_so_do_the_evaluated_logits(string name)
    {
        var golden = GoldenTrajectory.Load(name);
        var data = Data.Value;
        using var learner = FreeRuns.NewLearner(golden, data, "resume/state");
        FreeRuns.Load(learner.Model, golden.State("resume/state"));
        if (learner.Average is { } average)
            FreeRuns.Load(average, golden.State("resume/ema"));
        var parameters = learner.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var (parameterName, velocity) in golden.State("resume/velocity"))
                learner.Optimizer.Velocity(parameters[parameterName]).copy_(velocity);
        learner.ResumeAt(golden.Steps - 1);

        var (x, y) = golden.Batch(data, golden.Steps - 1);
        var (_, loss) = learner.Backward(x, y);
        learner.Update(golden.StepsPerEpoch - 1);
        learner.EndEpoch();
        var check = new Divergence(name);

        check.Within($"step {golden.Steps} loss", loss.item<float>(), golden["losses"].data<double>()[golden.Steps - 1], Exact);
        check.Within("final state", FreeRuns.State(learner.Model), golden.State("final/state"), Exact);
        if (learner.Average is not null)
            check.Within("final EMA", FreeRuns.State(learner.Average), golden.State("ema_final/state"), Exact);
        check.Within(golden.Recipe.Tta ? "TTA logits" : "test logits", FreeRuns.EvaluatedLogits(learner, data), golden["eval/logits"], Exact);

        check.Assert(output);
    }

    [Fact]
    public void The_whitening_filters_are_the_originals_from_the_float64_sum_up_to_each_filters_sign()
    {
        var golden = GoldenTrajectory.Load("final");
        var recipe = golden.Recipe;
        using var filters = Whitening.Filter(Data.Value.TrainCentre(recipe.WhiteningImages), recipe.WhiteningEpsilon);
        var values = golden["whitening/float64/eigenvalues"];
        var expected = (golden["whitening/float64/eigenvectors"] / (values + recipe.WhiteningEpsilon).sqrt().view(-1, 1, 1, 1)).to(ScalarType.Float32);
        var check = new Divergence("final");

        for (var k = 0; k < 27; k++)
        {
            var sign = (filters[k] * expected[k]).sum().item<float>() < 0 ? -1 : 1;
            check.Within($"whitening filter {k} (λ = {values[k].item<double>():E2})", filters[k] * sign, expected[k], Exact);
        }
        check.Within("the trajectory's whitening filter", expected, golden.State("init")["whiten.weight"], Exact);

        check.Assert(output);
    }

    /// <summary>
    /// The conformance runs start from the original's initial parameters, so Runner's own initialisation is compared in
    /// distribution: every weight uniform on ±1/√fan-in (PyTorch's default, kaiming-uniform with a = √5), BN scales 1
    /// and biases 0, on both sides.
    /// </summary>
    [Theory]
    [MemberData(nameof(Trajectories))]
    public void Runners_initial_parameters_are_distributed_as_the_originals(string trajectory)
    {
        var golden = GoldenTrajectory.Load(trajectory);
        var original = golden.State("init");
        manual_seed(11);
        using var model = Trainer.Build(golden.Recipe, golden.Recipe.Whitening ? original["whiten.weight"] : null, CPU, half: false);
        var runner = FreeRuns.State(model);

        Assert.Equal(original.Keys.Order(), runner.Keys.Order());
        foreach (var (name, expected) in original.Where(e => e.Key != "whiten.weight"))
        {
            var actual = runner[name];
            if (name.Contains(".bn.") || name.StartsWith("prep_bn.", StringComparison.Ordinal))
            {
                Assert.True(actual.equal(expected).all().item<bool>(), $"{name}: Runner's initial batch norm state differs from the original's");
                continue;
            }
            var bound = 1 / Math.Sqrt(expected[0].numel());
            foreach (var (side, w) in new[] { ("original", expected), ("Runner", actual) })
            {
                var (max, std) = (w.abs().max().item<float>(), w.std().item<float>());
                // Uniform on ±b: max just under b, sd b/√3 (the estimate's relative SE about 0.9/√n; 6 SE allowed).
                Assert.True(max <= bound * 1.0001 && max > bound * 0.8, $"{side} {name}: max |w| {max:G4}, expected just under 1/√fan-in = {bound:G4}");
                Assert.True(Math.Abs(std / (bound / Math.Sqrt(3)) - 1) < 6 * 0.9 / Math.Sqrt(w.numel()), $"{side} {name}: sd {std:G4}, expected {bound / Math.Sqrt(3):G4}");
            }
        }
    }
}
