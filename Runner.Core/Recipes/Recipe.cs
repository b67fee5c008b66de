using System.Text.Json.Serialization;

namespace Runner.Core.Recipes;

/// <summary>
/// Every hyperparameter and trick switch of one training run of the "bag of tricks" ResNet-9
/// (docs/recipe.md). Immutable; its canonical JSON and hash identify it (see <see cref="RecipeJson"/>).
/// A trick that is off leaves the baseline behaviour exactly.
/// </summary>
public sealed record Recipe
{
    // --- Schedule and optimiser (Page's Nesterov update, summed loss) -----------------------------
    public int Epochs { get; init; } = 24;
    public int BatchSize { get; init; } = 512;

    /// <summary>Learning rate per example (divided by the batch size at each step), in epochs.</summary>
    public Schedule LearningRate { get; init; } = new([0, 5, 24], [0, 0.4, 0]);

    /// <summary>Weight decay per example: multiplied by the batch size, as the loss is summed over the batch.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    public double Momentum { get; init; } = 0.9;

    // --- Data and augmentation ---------------------------------------------------------------------
    /// <summary>Augment in groups (one option per group of examples, on the device's copy of the data) instead of per example; on the CPU too.</summary>
    public bool GroupAugmentation { get; init; }

    /// <summary>Most options per transform per epoch for group-wise augmentation.</summary>
    public int MaxOptions { get; init; } = 200;

    /// <summary>Cutout square side in pixels; 0 is off.</summary>
    public int Cutout { get; init; } = 8;

    /// <summary>Train on the first N training images only (CPU-scale runs); null is all 50,000.</summary>
    public int? TrainSubset { get; init; }

    // --- Network -------------------------------------------------------------------------------------
    /// <summary>Multiplies the channel widths 64/128/256/512.</summary>
    public double Width { get; init; } = 1.0;

    public PoolPlacement Pool { get; init; } = PoolPlacement.AfterActivation;

    public Activation Activation { get; init; } = Activation.Relu;

    public double CeluAlpha { get; init; } = 0.075;

    /// <summary>Ghost batch norm splits; 1 is plain batch norm.</summary>
    public int GhostBatchNormSplits { get; init; } = 1;

    /// <summary>BN scales frozen at 1 (only biases train).</summary>
    public bool FrozenBatchNormScales { get; init; }

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

    /// <summary>Test-time augmentation: the mean of the logits of each image and its mirror.</summary>
    public bool Tta { get; init; }

    /// <summary>auto (fp16 with fp32 batch norm on CUDA, fp32 on the CPU: the reference's), fp32, or fp16 (CUDA only).</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    [JsonIgnore]
    public int[] Channels => [Scale(64), Scale(128), Scale(256), Scale(512)];

    private int Scale(int channels) => Math.Max(1, (int)Math.Round(channels * Width));
}
