using Runner.Core.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// Nesterov SGD on a summed loss in the recipe's form (docs/recipe.md, "Optimiser"). Page's: g ← ∇ + wd·B·w;
/// d ← −(lr/B)·g; v ← μ·v + d; w ← w + d + μ·v. airbench's decoupled PyTorch SGD: g ← ∇ + λ·w with
/// λ = wd·B / peak; v ← μ·v + g; w ← w − η·(g + μ·v) with η = lr / (1,024 · (1 + 1/(1 − μ))).
/// Two groups: BN biases (learning rate and weight decay scaled by the recipe) and everything else that trains;
/// frozen parameters are left out, and so is one frozen later (airbench's whitening bias): no decay, no momentum.
/// </summary>
public sealed class NesterovSgd : IDisposable
{
    private sealed record Slot(Parameter Weight, Tensor Velocity, bool IsBias);

    private readonly List<Slot> _slots;
    private readonly Recipe _recipe;

    public NesterovSgd(nn.Module model, Recipe recipe)
    {
        _recipe = recipe;
        var batchNormBiases = model.named_modules().Where(m => m.module is GhostBatchNorm).Select(m => $"{m.name}.bias").ToHashSet();
        _slots = model.named_parameters()
            .Where(p => p.parameter.requires_grad)
            .Select(p => new Slot(p.parameter, zeros_like(p.parameter).DetachFromDisposeScope(), batchNormBiases.Contains(p.name)))
            .ToList();
    }

    public int BiasCount => _slots.Count(s => s.IsBias);

    /// <summary>The momentum buffer of a trained parameter (v of the update).</summary>
    public Tensor Velocity(Parameter weight) => _slots.Single(s => s.Weight.Handle == weight.Handle).Velocity;

    /// <summary>
    /// The schedule's value for step t (counted from 1): at the step's end (t / steps per epoch) in Page's form, at its
    /// start ((t − 1) / steps per epoch) in airbench's, as PyTorch's LambdaLR sets a step's rate before it.
    /// </summary>
    public static double LearningRate(Recipe recipe, long step, int stepsPerEpoch) =>
        recipe.LearningRate.At((double)(recipe.Optimizer == Optimizer.Decoupled ? step - 1 : step) / stepsPerEpoch);

    /// <summary>airbench's divisor of a rate per 1,024 examples: the step size of Nesterov momentum μ under constant gradients.</summary>
    public static double KilostepScale(double momentum) => 1024 * (1 + 1 / (1 - momentum));

    public void Step(double scheduleValue)
    {
        using var _ = no_grad();
        var batch = _recipe.BatchSize;
        var momentum = _recipe.Momentum;
        foreach (var (w, v, isBias) in _slots)
        {
            if (!w.requires_grad || w.grad is not { } g)
                continue;
            var lrScale = isBias ? _recipe.BiasLearningRateScale : 1;
            var wdScale = isBias ? _recipe.BiasWeightDecayScale : 1;
            if (_recipe.Optimizer == Optimizer.Decoupled)
            {
                var lr = scheduleValue / KilostepScale(momentum) * lrScale;
                g.add_(w, _recipe.WeightDecay * batch / _recipe.LearningRate.Peak * wdScale);
                v.mul_(momentum).add_(g);
                w.sub_(g.add_(v, momentum).mul_(lr));
            }
            else
            {
                var lr = scheduleValue / batch * lrScale;
                var d = g.add_(w, _recipe.WeightDecay * batch * wdScale).mul_(-lr);
                v.mul_(momentum).add_(d);
                w.add_(d.add_(v, momentum));
            }
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
            slot.Velocity.Dispose();
    }
}
