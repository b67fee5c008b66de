using Runner.Core.Conformance;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Runner's engine against cifar10-fast's and airbench94's own training, step for step (<see cref="ConformanceChecks"/>;
/// golden trajectories of tools/reference, docs/recipe.md "Conformance"), fp32 on the CPU.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Trajectories => new(Golden.Trajectories);

    /// <summary>The trajectories whose file keeps the state before their last steps (cifar10-fast's final stage, airbench94).</summary>
    public static TheoryData<string> Resumable => new(Golden.Trajectories.Where(t => Golden.Trajectory(t).Keeps("resume/state")));

    public static TheoryData<string> Sets => new(Golden.Sets.Select(s => Path.GetFileName(s.Folder)));

    private static readonly Dictionary<string, ConformanceChecks.FreeRun> Runs = [];

    private static ConformanceChecks.FreeRun Run(GoldenTrajectory golden)
    {
        lock (Runs)
            return Runs.TryGetValue(golden.Name, out var run) ? run : Runs[golden.Name] = ConformanceChecks.Run(golden, Golden.DataOf(golden.Name), half: false);
    }

    private static GoldenSet SetNamed(string name) => Golden.Sets.Single(s => Path.GetFileName(s.Folder) == name);

    private void Within(Divergence check)
    {
        output.WriteLine($"{check.Trajectory}, {check.Check}:\n{check}");
        Assert.True(check.First is null, $"{check.Failure}\n{check}");
        Assert.NotEmpty(check.Rows);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_inputs_are_the_originals_bit_for_bit_normalised_and_reflect_padded(string setName)
    {
        var set = SetNamed(setName);
        var data = Golden.DataOf(set.Trajectories[0]);
        var margin = DeviceData.Pad - set.Padding; // reflect padding by less is the centre of padding by more
        var padded = data.TrainPadded.narrow(2, margin, 32 + 2 * set.Padding).narrow(3, margin, 32 + 2 * set.Padding);

        Assert.Equal((string)set.Manifest["data"]!["paddedSha256"]!, GoldenTrajectory.Sha256(padded));
        Assert.Equal((string)set.Manifest["data"]!["testSha256"]!, GoldenTrajectory.Sha256(data.Test));
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void The_first_step_matches_the_original(string trajectory)
    {
        var golden = Golden.Trajectory(trajectory);
        Within(ConformanceChecks.FirstStep(golden, Run(golden)));
    }

    [Theory]
    [MemberData(nameof(Trajectories))]
    public void Every_steps_loss_and_the_final_state_stay_within_the_originals_float32_noise(string trajectory)
    {
        var golden = Golden.Trajectory(trajectory);
        var check = ConformanceChecks.AlongTheRun(golden, Run(golden));

        Assert.Equal(golden.Steps, check.Rows.Count(r => r.Quantity.EndsWith(" loss", StringComparison.Ordinal)));
        Within(check);
    }

    [Theory]
    [MemberData(nameof(Resumable))]
    public void The_last_steps_from_the_originals_state_before_them_match_and_so_do_the_evaluated_logits(string trajectory) =>
        Within(ConformanceChecks.FromTheOriginalsState(Golden.Trajectory(trajectory), Golden.DataOf(trajectory), half: false));

    [Theory]
    [InlineData("final")]
    [InlineData("airbench94")]
    public void The_whitening_filters_are_the_originals_from_the_float64_sum(string trajectory) =>
        Within(ConformanceChecks.Whitening(Golden.Trajectory(trajectory), Golden.DataOf(trajectory)));

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
    /// and biases 0, on both sides. airbench's (built before whitening): each conv's first in-channels filters dirac
    /// deltas and its conv biases 0, equal on both sides; the rest as above.
    /// </summary>
    [Theory]
    [MemberData(nameof(Trajectories))]
    public void Runners_initial_parameters_are_distributed_as_the_originals(string trajectory)
    {
        var golden = Golden.Trajectory(trajectory);
        var airbench = golden.Recipe.Network == Network.Airbench;
        var original = golden.State("init");
        manual_seed(11);
        using var model = Trainer.Build(golden.Recipe, golden.Recipe.Whitening && !airbench ? original["whiten.weight"] : null, CPU, half: false);
        var runner = ConformanceChecks.State(model);

        Assert.Equal(original.Keys.Order(), runner.Keys.Order());
        foreach (var (name, all) in original.Where(e => airbench || e.Key != "whiten.weight"))
        {
            var (expected, actual) = (all, runner[name]);
            if (name.Contains(".bn.") || name.StartsWith("prep_bn.", StringComparison.Ordinal) || airbench && name.EndsWith(".bias", StringComparison.Ordinal))
            {
                Assert.True(actual.equal(expected).all().item<bool>(), $"{name}: Runner's initial state differs from the original's");
                continue;
            }
            if (airbench && expected.dim() == 4)
            {
                var dirac = Math.Min(expected.shape[0], expected.shape[1]);
                Assert.True(actual[..(int)dirac].equal(expected[..(int)dirac]).all().item<bool>(), $"{name}: Runner's dirac filters differ from the original's");
                if (dirac == expected.shape[0])
                    continue;
                (expected, actual) = (expected[(int)dirac..], actual[(int)dirac..]);
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
