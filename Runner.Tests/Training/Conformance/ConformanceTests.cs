using Runner.Core.Conformance;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Runner's engine against cifar10-fast's own training, step for step (<see cref="ConformanceChecks"/>; golden
/// trajectories of tools/reference, docs/recipe.md "Conformance"), fp32 on the CPU.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Trajectories => new(Golden.Set.Trajectories);

    /// <summary>The trajectories whose file keeps the state before the last step (the final stage's: see tools/reference).</summary>
    public static TheoryData<string> Resumable => new(Golden.Set.Trajectories.Where(t => Golden.Set.Trajectory(t).Keeps("resume/state")));

    private static readonly Dictionary<string, ConformanceChecks.FreeRun> Runs = [];

    private static ConformanceChecks.FreeRun Run(GoldenTrajectory golden)
    {
        lock (Runs)
            return Runs.TryGetValue(golden.Name, out var run) ? run : Runs[golden.Name] = ConformanceChecks.Run(golden, Golden.Data.Value, half: false);
    }

    private void Within(Divergence check)
    {
        output.WriteLine($"{check.Trajectory}, {check.Check}:\n{check}");
        Assert.True(check.First is null, $"{check.Failure}\n{check}");
        Assert.NotEmpty(check.Rows);
    }

    [Fact]
    public void The_inputs_are_the_originals_bit_for_bit_normalised_and_reflect_padded()
    {
        var data = Golden.Set.Manifest["data"]!;
        Assert.Equal((string)data["paddedSha256"]!, GoldenTrajectory.Sha256(Golden.Data.Value.TrainPadded));
        Assert.Equal((string)data["testSha256"]!, GoldenTrajectory.Sha256(Golden.Data.Value.Test));
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void The_first_step_matches_the_original(string trajectory)
    {
        var golden = Golden.Set.Trajectory(trajectory);
        Within(ConformanceChecks.FirstStep(golden, Run(golden)));
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void Every_steps_loss_and_the_final_state_stay_within_the_originals_float32_noise(string trajectory)
    {
        var golden = Golden.Set.Trajectory(trajectory);
        var check = ConformanceChecks.AlongTheRun(golden, Run(golden));

        Assert.Equal(golden.Steps, check.Rows.Count(r => r.Quantity.EndsWith(" loss", StringComparison.Ordinal)));
        Within(check);
    }

    [Theory]
    [MemberData(nameof(Resumable))]
    public void The_last_step_from_the_originals_state_before_it_matches_and_so_do_the_evaluated_logits(string trajectory) =>
        Within(ConformanceChecks.LastStep(Golden.Set.Trajectory(trajectory), Golden.Data.Value, half: false));

    [Fact]
    public void The_whitening_filters_are_the_originals_from_the_float64_sum_up_to_each_filters_sign() =>
        Within(ConformanceChecks.Whitening(Golden.Set.Trajectory("final"), Golden.Data.Value));

    [Fact]
    public void A_divergence_names_the_first_quantity_outside_its_bound()
    {
        var golden = Golden.Set.Trajectory("final");
        var run = Run(golden);
        var tampered = run with { Step1Gradients = run.Step1Gradients.ToDictionary(e => e.Key, e => e.Key == "layer2.conv.weight" ? e.Value * 1.001f : e.Value) };

        var check = ConformanceChecks.FirstStep(golden, tampered);

        Assert.Equal("step 1 gradient: layer2.conv.weight", check.First?.Quantity);
        Assert.Contains("final, first step: step 1 gradient: layer2.conv.weight is the first to diverge from the original: relative difference 1.00E-003", check.Failure);
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
        var golden = Golden.Set.Trajectory(trajectory);
        var original = golden.State("init");
        manual_seed(11);
        using var model = Trainer.Build(golden.Recipe, golden.Recipe.Whitening ? original["whiten.weight"] : null, CPU, half: false);
        var runner = ConformanceChecks.State(model);

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
