using Runner.Core.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// Page's update (docs/recipe.md), with the loss summed over the batch, the learning rate divided and the
/// weight decay multiplied by the batch size: g ← ∇ + wd·w; d ← −lr·g; v ← μ·v + d; w ← w + d + μ·v.
/// Two groups: BN biases (learning rate and weight decay scaled by the recipe) and everything else that
/// trains; frozen parameters are left out.
/// </summary>
public sealed class NesterovSgd : IDisposable
{
    private sealed record Slot(Parameter Weight, Tensor Velocity, bool IsBias);

    private readonly List<Slot> _slots;
    private readonly Recipe _recipe;

    public NesterovSgd(nn.Module model, Recipe recipe)
    {
        _recipe = recipe;
        _slots = model.named_parameters()
            .Where(p => p.parameter.requires_grad)
            .Select(p => new Slot(p.parameter, zeros_like(p.parameter).DetachFromDisposeScope(), p.name.Contains("bias", StringComparison.Ordinal)))
            .ToList();
    }

    public int BiasCount => _slots.Count(s => s.IsBias);

    /// <summary>The momentum buffer of a trained parameter (v of the update).</summary>
    public Tensor Velocity(Parameter weight) => _slots.Single(s => s.Weight.Handle == weight.Handle).Velocity;

    /// <summary>The learning rate of the non-bias group at step t (counted from 1), per example as the schedule gives it.</summary>
    public static double LearningRate(Recipe recipe, long step, int stepsPerEpoch) => recipe.LearningRate.At((double)step / stepsPerEpoch);

    public void Step(double scheduleValue)
    {
        using var _ = no_grad();
        var batch = _recipe.BatchSize;
        foreach (var (w, v, isBias) in _slots)
        {
            var lr = scheduleValue / batch * (isBias ? _recipe.BiasLearningRateScale : 1);
            var wd = _recipe.WeightDecay * batch * (isBias ? _recipe.BiasWeightDecayScale : 1);
            var d = w.grad!;
            d.add_(w, wd).mul_(-lr);
            v.mul_(_recipe.Momentum).add_(d);
            w.add_(d.add_(v, _recipe.Momentum));
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
            slot.Velocity.Dispose();
    }
}
