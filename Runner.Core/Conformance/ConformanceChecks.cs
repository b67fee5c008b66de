using Runner.Core.Devices;
using Runner.Core.Recipes;
using Runner.Core.Training;
using static TorchSharp.torch;

namespace Runner.Core.Conformance;

/// <summary>
/// Runner's engine against a golden trajectory of the original's own training (docs/recipe.md, "Conformance"): the
/// network built with the original's initial parameters, trained on the original's batches by <see cref="Learner"/>
/// (the training loop's steps) on the data's device. Bounds: <see cref="Exact"/> where both sides start from the same
/// state (step 1, and the last steps from the original's state before them), or <see cref="Slack"/> times the original's
/// own float32 noise in that quantity where that is larger (a step-1 gradient that ReLU and max-pool ties make
/// sensitive; airbench's step 1 throughout); along the free run <see cref="Growth"/> times that noise at each step. The script measured the noise by running the original again with
/// every initial parameter one ulp away and with two threads (another summation order).
/// </summary>
public static class ConformanceChecks
{
    /// <summary>Where both sides start from the same state; one ulp in every parameter moves the final stage's step-1 gradients by 4e-6.</summary>
    public const double Exact = 1e-5;

    /// <summary>
    /// Where the original's own noise in a quantity is above <see cref="Exact"/>, the bound is this many times it: the
    /// noise is the larger of two perturbed runs of the original, and Runner (another libtorch build) is a third.
    /// </summary>
    public const double Slack = 2;

    /// <summary>How far Runner may drift along the free run, in multiples of the original's own float32 noise at each step.</summary>
    public const double Growth = 10;

    /// <summary>Below this a per-step loss difference is float32 rounding of a sum of 512 terms.</summary>
    public const double Floor = 1e-6;

    /// <summary>What Runner's free run of a trajectory recorded, as the original's run recorded it.</summary>
    public sealed record FreeRun(
        Tensor Step1Logits,
        Dictionary<string, Tensor> Step1Gradients,
        Dictionary<string, Tensor> Step1State,
        Dictionary<string, Tensor>? Ema1State,
        double[] Losses,
        Dictionary<string, Tensor> Final,
        Dictionary<string, Tensor>? EmaFinal,
        Tensor EvalLogits);

    /// <summary>Every check of the trajectories, in order: whitening, then per trajectory the first step, the run, the last step.</summary>
    public static IEnumerable<Divergence> All(GoldenSet set, IEnumerable<string> trajectories, DeviceData data, bool half)
    {
        foreach (var name in trajectories)
        {
            var golden = set.Trajectory(name);
            if (golden.Recipe.Whitening)
                yield return Whitening(golden, data);
            var run = Run(golden, data, half);
            yield return FirstStep(golden, run);
            yield return AlongTheRun(golden, run);
            if (golden.Keeps("resume/state"))
                yield return FromTheOriginalsState(golden, data, half);
        }
    }

    /// <summary>The trajectory from the original's initial parameters through all of its batches.</summary>
    public static FreeRun Run(GoldenTrajectory golden, DeviceData data, bool half)
    {
        using var learner = NewLearner(golden, data, half, "init");
        var losses = new double[golden.Steps];
        Tensor? step1Logits = null;
        Dictionary<string, Tensor>? step1Gradients = null, step1State = null, ema1State = null;
        for (var step = 0; step < golden.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batchInEpoch = step % golden.StepsPerEpoch;
            if (batchInEpoch == 0)
                learner.BeginEpoch(step / golden.StepsPerEpoch + 1);
            var (x, y) = golden.Batch(data, step);
            var (logits, loss) = learner.Backward(x, y);
            losses[step] = loss.item<float>();
            if (step == 0)
            {
                step1Logits = logits.detach().cpu().clone().MoveToOuterDisposeScope();
                // Copies: the update turns each gradient into the step in place.
                step1Gradients = learner.Model.named_parameters().Where(p => p.parameter.requires_grad)
                    .ToDictionary(p => p.name, p => p.parameter.grad!.cpu().clone().MoveToOuterDisposeScope());
            }
            learner.Update(batchInEpoch);
            if (step == 0)
            {
                step1State = State(learner.Model);
                ema1State = learner.Average is null ? null : State(learner.Average);
            }
            if (batchInEpoch == golden.StepsPerEpoch - 1 || step == golden.Steps - 1)
                learner.EndEpoch();
        }
        return new FreeRun(step1Logits!, step1Gradients!, step1State!, ema1State, losses, State(learner.Model),
            learner.Average is null ? null : State(learner.Average), EvaluatedLogits(learner, data));
    }

    /// <summary>A free run's figures beside the original's: each epoch's mean training loss per example, and the test accuracy of the evaluated model.</summary>
    public sealed record Replay(IReadOnlyList<(double Runner, double Original)> EpochLosses, double Accuracy, double OriginalAccuracy);

    /// <summary>
    /// The free run alone, without bounds: for a trajectory too long for float32 noise to stay small (tools/reference/replay.py
    /// records the original's end-to-end run), where only the distribution of the outcome can be compared.
    /// </summary>
    public static Replay Replayed(GoldenTrajectory golden, DeviceData data, bool half)
    {
        var run = Run(golden, data, half);
        var original = golden["losses"].data<double>().ToArray();
        var epochs = Enumerable.Range(0, (golden.Steps + golden.StepsPerEpoch - 1) / golden.StepsPerEpoch)
            .Select(e => Enumerable.Range(e * golden.StepsPerEpoch, Math.Min(golden.StepsPerEpoch, golden.Steps - e * golden.StepsPerEpoch)).ToList())
            .Select(steps => (steps.Average(s => run.Losses[s]) / golden.Recipe.BatchSize, steps.Average(s => original[s]) / golden.Recipe.BatchSize))
            .ToList();
        using var labels = data.TestLabels.cpu();
        double Accuracy(Tensor logits) => logits.argmax(1).eq(labels).to(ScalarType.Float64).mean().item<double>();
        return new Replay(epochs, Accuracy(run.EvalLogits), Accuracy(golden["eval/logits"]));
    }

    /// <summary>Step 1's logits, loss, gradients and state after the update, and the EMA after its first update.</summary>
    public static Divergence FirstStep(GoldenTrajectory golden, FreeRun run)
    {
        var check = new Divergence(golden.Name, "first step");
        check.Within("step 1 logits", run.Step1Logits, golden["step1/logits"], Bound((double?)golden.Noise["step1LogitsRelative"]));
        check.Within("step 1 loss", run.Losses[0], golden["step1/loss"].item<float>(), Exact);
        check.Within("step 1 gradient", run.Step1Gradients, golden.State("step1/grad"), name => Bound(golden.Step1GradientNoise[name]));
        var stateNoise = golden.Noise["step1StateRelativeByTensor"]?.AsObject().ToDictionary(e => golden.RunnerName(e.Key), e => (double)e.Value!);
        check.Within("after step 1", run.Step1State, golden.State("step1/state"), name => Bound(stateNoise?[name]));
        if (golden.Recipe.Ema)
        {
            // The original's first EMA update (the script checks it): ρ·init + (1 − ρ)·(state after step 1).
            var rho = Math.Pow(golden.Recipe.EmaMomentum, golden.Recipe.EmaEvery);
            var init = golden.State("init");
            check.Within("EMA after its first update", run.Ema1State!, golden.State("step1/state").ToDictionary(e => e.Key, e => init[e.Key] * rho + e.Value * (1 - rho)), Exact);
        }
        return check;
    }

    /// <summary>The bound where both sides start from the same state, given the original's own noise in the quantity where the golden file measured it.</summary>
    private static double Bound(double? noise) => Math.Max(Exact, Slack * (noise ?? 0));

    /// <summary>Every step's loss, the evaluated logits and (where the file keeps them) the final states, against the noise's growth.</summary>
    public static Divergence AlongTheRun(GoldenTrajectory golden, FreeRun run)
    {
        var noise = golden.StepLossNoise();
        var losses = golden["losses"].data<double>().ToArray();
        var check = new Divergence(golden.Name, "along the run");
        for (var step = 0; step < golden.Steps; step++)
            check.Within($"step {step + 1} loss", run.Losses[step], losses[step], Growth * noise[step] + Floor);
        check.Within(golden.Recipe.Tta ? "TTA logits" : "test logits", run.EvalLogits, golden["eval/logits"], Growth * (double)golden.Noise["evalLogitsRelative"]!);
        if (golden.Keeps("final/state"))
            check.Within("final state", run.Final, golden.State("final/state"), Growth * (double)golden.Noise["finalStateRelative"]!);
        if (golden.Keeps("ema_final/state") && run.EmaFinal is not null)
            check.Within("final EMA", run.EmaFinal, golden.State("ema_final/state"), Growth * (double)golden.Noise["emaFinalStateRelative"]!);
        return check;
    }

    /// <summary>
    /// The last steps from the original's state before them (parameters, statistics, momentum buffers, EMA or
    /// lookahead average): cifar10-fast's last step; airbench's last lookahead pull (its state after it checked) and the
    /// final revert. Then the evaluation.
    /// </summary>
    public static Divergence FromTheOriginalsState(GoldenTrajectory golden, DeviceData data, bool half)
    {
        using var learner = NewLearner(golden, data, half, "resume/state");
        if (learner.Average is { } average)
            Load(average, golden.State("resume/ema"));
        learner.Lookahead?.Load(golden.State("resume/lookahead"));
        var parameters = learner.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var (name, velocity) in golden.State("resume/velocity"))
                learner.Optimizer.Velocity(parameters[name]).copy_(velocity);
        learner.ResumeAt(golden.ResumeAt - 1);

        var check = new Divergence(golden.Name, golden.ResumeAt == golden.Steps ? "last step" : $"steps {golden.ResumeAt}–{golden.Steps}");
        var losses = golden["losses"].data<double>().ToArray();
        for (var step = golden.ResumeAt - 1; step < golden.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batchInEpoch = step % golden.StepsPerEpoch;
            learner.BeginEpoch(step / golden.StepsPerEpoch + 1); // the resumed step may be inside an epoch
            var (x, y) = golden.Batch(data, step);
            var (_, loss) = learner.Backward(x, y);
            learner.Update(batchInEpoch);
            check.Within($"step {step + 1} loss", loss.item<float>(), losses[step], Exact);
            if (step + 1 == golden.ResumeAt && golden.Keeps("pulled/state"))
                check.Within($"after step {step + 1} (the lookahead's pull)", State(learner.Model), golden.State("pulled/state"), Exact);
            if (batchInEpoch == golden.StepsPerEpoch - 1 || step == golden.Steps - 1)
                learner.EndEpoch();
        }
        check.Within("final state", State(learner.Model), golden.State("final/state"), Exact);
        if (learner.Average is not null)
            check.Within("final EMA", State(learner.Average), golden.State("ema_final/state"), Exact);
        check.Within(golden.Recipe.Tta ? "TTA logits" : "test logits", EvaluatedLogits(learner, data), golden["eval/logits"], Exact);
        return check;
    }

    /// <summary>
    /// Runner's whitening filters against the original's: cifar10-fast's from its eigen-decomposition of the float64 sum,
    /// up to each filter's sign (eigh leaves it free); airbench's as its whitening set them (float64 sum, signs fixed).
    /// </summary>
    public static Divergence Whitening(GoldenTrajectory golden, DeviceData data)
    {
        var recipe = golden.Recipe;
        using var scope = NewDisposeScope();
        if (recipe.Network == Network.Airbench)
        {
            var patchFilters = Training.Whitening.PatchFilters(data.TrainCentre(recipe.WhiteningImages), recipe.WhiteningEpsilon).cpu();
            var original = golden["whitening/filters"];
            var airbench = new Divergence(golden.Name, "whitening");
            for (var k = 0; k < original.shape[0]; k++)
                airbench.Within($"whitening filter {k}", patchFilters[k], original[k], Exact);
            return airbench;
        }
        var filters = Training.Whitening.Filter(data.TrainCentre(recipe.WhiteningImages), recipe.WhiteningEpsilon).cpu();
        var values = golden["whitening/float64/eigenvalues"];
        var expected = (golden["whitening/float64/eigenvectors"] / (values + recipe.WhiteningEpsilon).sqrt().view(-1, 1, 1, 1)).to(ScalarType.Float32);
        var check = new Divergence(golden.Name, "whitening");
        for (var k = 0; k < expected.shape[0]; k++)
        {
            var sign = (filters[k] * expected[k]).sum().item<float>() < 0 ? -1 : 1;
            check.Within($"whitening filter {k} (λ = {values[k].item<double>():E2})", filters[k] * sign, expected[k], Exact);
        }
        check.Within("the trajectory's whitening filter", expected, golden.State("init")["whiten.weight"], Exact);
        return check;
    }

    /// <summary>
    /// A learner for the golden's recipe on the data's device (fp32, or fp16 with fp32 batch norm when
    /// <paramref name="half"/>), its network loaded with the golden state under <paramref name="prefix"/> before the EMA
    /// copies it, as the original's EMA model starts as a copy of its network. airbench's lookahead copies the network
    /// before whitening sets the original's filters (from "init"; a later state keeps its own), as the reference's does.
    /// </summary>
    private static Learner NewLearner(GoldenTrajectory golden, DeviceData data, bool half, string prefix)
    {
        NativeAllocator.Tune();
        var recipe = golden.Recipe;
        var state = golden.State(prefix);
        if (recipe.Network == Network.Airbench)
        {
            var network = (Airbench)Trainer.Build(recipe, null, data.Device, half);
            Load(network, state);
            var lookahead = recipe.Lookahead ? new Lookahead(network) : null;
            if (recipe.Whitening)
                network.Whiten(prefix == "init" ? golden["whitening/filters"] : state["whiten.weight"]);
            return new Learner(recipe, network, null, golden.StepsPerEpoch, half, lookahead);
        }
        var filter = recipe.Whitening ? state["whiten.weight"] : null;
        var model = Trainer.Build(recipe, filter, data.Device, half);
        Load(model, state);
        var average = recipe.Ema ? Trainer.Build(recipe, filter, data.Device, half) : null;
        return new Learner(recipe, model, average, golden.StepsPerEpoch, half);
    }

    /// <summary>Copies every floating-point entry of a state into the model; the two must name the same entries.</summary>
    public static void Load(nn.Module model, IReadOnlyDictionary<string, Tensor> state)
    {
        var target = model.state_dict().Where(e => e.Value.is_floating_point()).ToDictionary(e => e.Key, e => e.Value);
        if (!target.Keys.Order(StringComparer.Ordinal).SequenceEqual(state.Keys.Order(StringComparer.Ordinal)))
            throw new InvalidOperationException($"The golden state names [{string.Join(", ", state.Keys.Order())}], Runner's network [{string.Join(", ", target.Keys.Order())}].");
        using var _ = no_grad();
        foreach (var (name, tensor) in target)
            tensor.copy_(state[name]);
    }

    /// <summary>A copy on the CPU of every floating-point entry of the model's state (fp32).</summary>
    public static Dictionary<string, Tensor> State(nn.Module model) => model.state_dict()
        .Where(e => e.Value.is_floating_point())
        .ToDictionary(e => e.Key, e => e.Value.detach().cpu().to(ScalarType.Float32).clone().DetachFromDisposeScope());

    /// <summary>The evaluated model's logits on the test images, with the recipe's TTA, as a run's evaluation computes them.</summary>
    private static Tensor EvaluatedLogits(Learner learner, DeviceData data) =>
        Trainer.TestLogits(learner.Evaluated, data, learner.Recipe.Tta, learner.Recipe.TtaTranslate, learner.Half).cpu().DetachFromDisposeScope();
}
