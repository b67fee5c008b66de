using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// The network being trained, its EMA, lookahead and optimiser, stepped batch by batch as the originals' train steps run:
/// <see cref="BeginEpoch"/> (airbench's whitening bias frozen after its epochs), <see cref="Backward"/> (forward in training mode, summed loss, gradients), then <see cref="Update"/> (the
/// Nesterov step at the schedule's learning rate, then the EMA when the batch is due, then the lookahead). The training
/// loop and the conformance checks (<see cref="Conformance.ConformanceChecks"/>) drive the same steps.
/// </summary>
public sealed class Learner : IDisposable
{
    private readonly int _stepsPerEpoch;
    private readonly long _totalSteps;
    private readonly Ema? _ema;
    private readonly double _emaRho;

    /// <param name="average">The EMA's model when the recipe has one (built like <paramref name="model"/>); it starts as a copy of it.</param>
    /// <param name="lookahead">The lookahead's average when the recipe has one, taken where the reference takes it.</param>
    public Learner(Recipe recipe, nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor>? average, int stepsPerEpoch, bool half, Lookahead? lookahead = null)
    {
        (Recipe, _stepsPerEpoch, Half, Model, Average, Lookahead) = (recipe, stepsPerEpoch, half, model, average, lookahead);
        _totalSteps = recipe.TotalSteps(stepsPerEpoch);
        Optimizer = new NesterovSgd(model, recipe);
        _ema = average is null ? null : new Ema(average, model);
        _emaRho = Math.Pow(recipe.EmaMomentum, recipe.EmaEvery);
        if (average is not null && recipe.EmaStatistics == EmaStatistics.FirstSplit)
            foreach (var bn in GhostBatchNorm.In(average))
                bn.FirstSplitInEvaluation = true;
    }

    public Recipe Recipe { get; }

    /// <summary>Whether the network runs in fp16 (batch norm in fp32).</summary>
    public bool Half { get; }

    public nn.Module<Tensor, Tensor> Model { get; }

    public nn.Module<Tensor, Tensor>? Average { get; }

    /// <summary>airbench's lookahead, whose average is part of a saved state.</summary>
    public Lookahead? Lookahead { get; }

    /// <summary>The model that evaluation and TTA use: the EMA's when there is one.</summary>
    public nn.Module<Tensor, Tensor> Evaluated => Average ?? Model;

    /// <summary>Optimiser steps taken, counted from 1 as the original's step_number.</summary>
    public long Steps { get; private set; }

    /// <summary>The optimiser, whose momentum buffers are part of a saved state.</summary>
    public NesterovSgd Optimizer { get; }

    /// <summary>Continues a run from a saved state (parameters, statistics, momentum buffers and EMA loaded by the caller) after <paramref name="steps"/> steps.</summary>
    public void ResumeAt(long steps) => Steps = steps;

    /// <summary>The non-bias group's learning rate (per example) at the last step taken.</summary>
    public double LearningRate => NesterovSgd.LearningRate(Recipe, Steps, _stepsPerEpoch);

    /// <summary>Epoch <paramref name="epoch"/> (from 1) begins: airbench's whitening bias trains only in the recipe's first whitening-bias epochs.</summary>
    public void BeginEpoch(int epoch)
    {
        if (Model is Airbench network)
            network.WhiteningBias.requires_grad = epoch <= Recipe.WhiteningBiasEpochs;
    }

    /// <summary>Forward in training mode and backward of one batch: its logits (fp32) and summed loss; the gradients are on the model.</summary>
    public (Tensor Logits, Tensor Loss) Backward(Tensor x, Tensor y)
    {
        if (!Model.training)
            Model.train(); // only on the switch back from evaluation, as the original's forward step does
        var logits = Trainer.TrainingLogits(Model, x, Half);
        var loss = Trainer.Loss(logits, y, Recipe);
        Model.zero_grad();
        loss.backward();
        return (logits, loss);
    }

    /// <summary>The update at the next step's learning rate, then the EMA if this batch of the epoch (from 0) is due, then the lookahead.</summary>
    public void Update(int batchInEpoch)
    {
        Steps++;
        Optimizer.Step(LearningRate);
        if (_ema is not null && Ema.Due(Recipe, batchInEpoch, Steps))
            _ema.Update(_emaRho);
        Lookahead?.AfterStep(Steps, _totalSteps);
    }

    /// <summary>
    /// An epoch's training is done: with split-0 EMA statistics the EMA model's splits are collated once, after the
    /// first epoch, as the original's are at its first switch to evaluation.
    /// </summary>
    public void EndEpoch()
    {
        if (Steps != _stepsPerEpoch || Average is null || Recipe.EmaStatistics != EmaStatistics.FirstSplit)
            return;
        foreach (var bn in GhostBatchNorm.In(Average))
            bn.Collate();
    }

    public void Dispose() => Optimizer.Dispose();
}
