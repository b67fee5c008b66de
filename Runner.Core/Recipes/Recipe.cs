using System.Text.Json.Serialization;
using Runner.Core.Data;

namespace Runner.Core.Recipes;

/// <summary>
/// Every hyperparameter and trick switch of one training run of either family (docs/recipe.md): the "bag of tricks"
/// ResNet-9 (the defaults) and airbench94 (<see cref="Network.Airbench"/>). Immutable; its canonical JSON and hash
/// identify it (see <see cref="RecipeJson"/>). A trick that is off leaves the baseline behaviour exactly.
/// </summary>
public sealed record Recipe
{
    // --- Schedule and optimiser (Nesterov, summed loss) ----------------------------------------------
    /// <summary>Epochs, possibly fractional: the run takes ⌈steps per epoch × epochs⌉ steps, the last epoch cut short.</summary>
    public double Epochs { get; init; } = 24;

    public int BatchSize { get; init; } = 512;

    /// <summary>The learning rate, knots in epochs; per example (<see cref="Optimizer.Page"/>) or per 1,024 examples (<see cref="Optimizer.Decoupled"/>).</summary>
    public Schedule LearningRate { get; init; } = new([0, 5, 24], [0, 0.4, 0]);

    /// <summary>Weight decay per example (<see cref="Optimizer.Page"/>: multiplied by the batch size, as the loss is summed) or per 1,024 examples (<see cref="Optimizer.Decoupled"/>).</summary>
    public double WeightDecay { get; init; } = 5e-4;

    public double Momentum { get; init; } = 0.9;

    public Optimizer Optimizer { get; init; }

    // --- Data and augmentation ---------------------------------------------------------------------
    /// <summary>The channel statistics the images are normalised with: each family's source's own.</summary>
    public Normalisation Normalisation { get; init; }

    /// <summary>Augment in groups (one option per group of examples, on the device's copy of the data) instead of per example; on the CPU too.</summary>
    public bool GroupAugmentation { get; init; }

    /// <summary>Most options per transform per epoch for group-wise augmentation.</summary>
    public int MaxOptions { get; init; } = 200;

    /// <summary>Cutout square side in pixels; 0 is off.</summary>
    public int Cutout { get; init; } = 8;

    /// <summary>Train on the first N training images only (CPU-scale runs); null is all 50,000.</summary>
    public int? TrainSubset { get; init; }

    /// <summary>Random translation by up to this many pixels (a crop of the reflect-padded image).</summary>
    public int Translate { get; init; } = 4;

    /// <summary>airbench's alternating flip: a random half of the images flipped in the first epoch, then every image's flip alternates by epoch (off: a random flip each epoch).</summary>
    public bool AlternatingFlip { get; init; }

    // --- Network -------------------------------------------------------------------------------------
    public Network Network { get; init; }

    /// <summary>Multiplies the channel widths: 64/128/256/512 (ResNet-9) or 64/256/256 (airbench).</summary>
    public double Width { get; init; } = 1.0;

    public PoolPlacement Pool { get; init; } = PoolPlacement.AfterActivation;

    public Activation Activation { get; init; } = Activation.Relu;

    public double CeluAlpha { get; init; } = 0.075;

    /// <summary>Ghost batch norm splits; 1 is plain batch norm.</summary>
    public int GhostBatchNormSplits { get; init; } = 1;

    /// <summary>BN scales frozen at 1 (only biases train).</summary>
    public bool FrozenBatchNormScales { get; init; }

    /// <summary>Batch norm's running-statistics momentum in PyTorch's sense (the weight of the new batch).</summary>
    public double BatchNormMomentum { get; init; } = 0.1;

    public double BatchNormEpsilon { get; init; } = 1e-5;

    /// <summary>Each 3×3 convolution starts as the identity on its first in-channels filters (dirac), the rest as default.</summary>
    public bool DiracInit { get; init; }

    /// <summary>Learning-rate multiplier of the BN biases.</summary>
    public double BiasLearningRateScale { get; init; } = 1;

    /// <summary>Weight-decay multiplier of the BN biases.</summary>
    public double BiasWeightDecayScale { get; init; } = 1;

    /// <summary>The logits are multiplied by this.</summary>
    public double OutputScale { get; init; } = 0.125;

    /// <summary>A fixed 3×3 PCA whitening conv (3→27) then a learnable 1×1 conv instead of the 3×3 prep conv.</summary>
    public bool Whitening { get; init; }

    public double WhiteningEpsilon { get; init; } = 1e-2;

    public int WhiteningImages { get; init; } = 10_000;

    /// <summary>airbench: the whitening convolution's bias (starting at 0) trains for this many first epochs, then is frozen.</summary>
    public int WhiteningBiasEpochs { get; init; }

    // --- Loss, averaging and evaluation ------------------------------------------------------------
    /// <summary>Label smoothing α; 0 is plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Evaluate an exponential moving average of the weights and BN statistics.</summary>
    public bool Ema { get; init; }

    public double EmaMomentum { get; init; } = 0.99;

    /// <summary>The EMA is updated every k-th batch, with momentum^k.</summary>
    public int EmaEvery { get; init; } = 5;

    /// <summary>Whether the every-k counter restarts each epoch (the original's and Runner's) or runs over the whole run.</summary>
    public EmaCounter EmaCounter { get; init; }

    /// <summary>Which ghost batch norm statistics the EMA model evaluates with: the mean of the splits, or split 0's (the original's).</summary>
    public EmaStatistics EmaStatistics { get; init; }

    /// <summary>airbench's lookahead: every 5 steps the network is pulled to an EMA of itself, with a decay rising cubically over the run (docs/recipe.md, "Lookahead").</summary>
    public bool Lookahead { get; init; }

    /// <summary>Test-time augmentation: the mean of the logits of each image and its mirror.</summary>
    public bool Tta { get; init; }

    /// <summary>With <see cref="Tta"/>, also the mirrored pairs of two 1-pixel translations (6 passes weighted ¼, ¼, 4 × ⅛; airbench's level 2).</summary>
    public bool TtaTranslate { get; init; }

    /// <summary>auto (fp16 with fp32 batch norm on CUDA, fp32 on the CPU: the reference's), fp32, or fp16 (CUDA only).</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    [JsonIgnore]
    public int[] Channels => Network == Network.Airbench ? [Scale(64), Scale(256), Scale(256)] : [Scale(64), Scale(128), Scale(256), Scale(512)];

    /// <summary>Epochs begun: the last may be cut short.</summary>
    [JsonIgnore]
    public int EpochCount => (int)Math.Ceiling(Epochs);

    /// <summary>Optimiser steps per full epoch over the trained images (all 50,000 unless a subset; drop last); 0 for a batch size below 1.</summary>
    [JsonIgnore]
    public int StepsPerEpoch => BatchSize > 0 ? (TrainSubset ?? Cifar10.OfficialTrainCount) / BatchSize : 0;

    /// <summary>Steps of the whole run for <paramref name="stepsPerEpoch"/>: ⌈steps per epoch × epochs⌉.</summary>
    public long TotalSteps(int stepsPerEpoch) => (long)Math.Ceiling(stepsPerEpoch * Epochs);

    private int Scale(int channels) => Math.Max(1, (int)Math.Round(channels * Width));
}
