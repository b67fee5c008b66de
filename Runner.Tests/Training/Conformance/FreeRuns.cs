using Runner.Core.Training;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Runner's side of a golden trajectory: a <see cref="Learner"/> started from the original's initial parameters and
/// stepped through all of the original's batches, recording what the original recorded. Each trajectory runs once per
/// test run.
/// </summary>
public static class FreeRuns
{
    public sealed record Record(
        Tensor Step1Logits,
        Dictionary<string, Tensor> Step1Gradients,
        Dictionary<string, Tensor> Step1State,
        Dictionary<string, Tensor>? Ema1State,
        double[] Losses,
        Dictionary<string, Tensor> Final,
        Dictionary<string, Tensor>? EmaFinal,
        Tensor EvalLogits);

    private static readonly Dictionary<string, Record> Runs = [];

    public static Record Run(GoldenTrajectory golden, DeviceData data)
    {
        lock (Runs)
            return Runs.TryGetValue(golden.Name, out var r) ? r : Runs[golden.Name] = Train(golden, data);
    }

    private static Record Train(GoldenTrajectory golden, DeviceData data)
    {
        using var learner = NewLearner(golden, data, "init");
        var losses = new double[golden.Steps];
        Tensor? step1Logits = null;
        Dictionary<string, Tensor>? step1Gradients = null, step1State = null, ema1State = null;
        for (var step = 0; step < golden.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batchInEpoch = step % golden.StepsPerEpoch;
            var (x, y) = golden.Batch(data, step);
            var (logits, loss) = learner.Backward(x, y);
            losses[step] = loss.item<float>();
            if (step == 0)
            {
                step1Logits = logits.detach().clone().MoveToOuterDisposeScope();
                step1Gradients = learner.Model.named_parameters().Where(p => p.parameter.requires_grad)
                    .ToDictionary(p => p.name, p => p.parameter.grad!.clone().MoveToOuterDisposeScope());
            }
            learner.Update(batchInEpoch);
            if (step == 0)
            {
                step1State = State(learner.Model);
                ema1State = learner.Average is null ? null : State(learner.Average);
            }
            if (batchInEpoch == golden.StepsPerEpoch - 1)
                learner.EndEpoch();
        }
        return new Record(step1Logits!, step1Gradients!, step1State!, ema1State, losses, State(learner.Model),
            learner.Average is null ? null : State(learner.Average), EvaluatedLogits(learner, data));
    }

    /// <summary>A learner for the golden's recipe on the CPU in fp32, its network loaded with the golden state under <paramref name="prefix"/>.</summary>
    public static Learner NewLearner(GoldenTrajectory golden, DeviceData data, string prefix)
    {
        var recipe = golden.Recipe;
        var state = golden.State(prefix);
        var model = Trainer.Build(recipe, recipe.Whitening ? state["whiten.weight"] : null, CPU, half: false);
        var average = recipe.Ema ? Trainer.Build(recipe, recipe.Whitening ? state["whiten.weight"] : null, CPU, half: false) : null;
        Load(model, state);
        return new Learner(recipe, model, average, golden.StepsPerEpoch, half: false);
    }

    /// <summary>Copies every floating-point entry of a state into the model; the two must name the same entries.</summary>
    public static void Load(ResNet9 model, Dictionary<string, Tensor> state)
    {
        var target = model.state_dict().Where(e => e.Value.is_floating_point()).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(target.Keys.Order(), state.Keys.Order());
        using var _ = no_grad();
        foreach (var (name, tensor) in target)
            tensor.copy_(state[name]);
    }

    /// <summary>A copy of every floating-point entry of the model's state.</summary>
    public static Dictionary<string, Tensor> State(ResNet9 model) => model.state_dict()
        .Where(e => e.Value.is_floating_point())
        .ToDictionary(e => e.Key, e => e.Value.detach().clone().DetachFromDisposeScope());

    /// <summary>The evaluated model's logits on the test images, with the recipe's TTA, as the run's evaluation computes them.</summary>
    public static Tensor EvaluatedLogits(Learner learner, DeviceData data)
    {
        learner.Evaluated.eval();
        using var _ = no_grad();
        return Trainer.Logits(learner.Evaluated, data.Test, learner.Recipe.Tta).DetachFromDisposeScope();
    }
}
