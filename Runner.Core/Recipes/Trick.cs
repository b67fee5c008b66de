namespace Runner.Core.Recipes;

/// <summary>
/// A trick of the reference table, switchable on its own: <see cref="On"/> sets the constants of the stage
/// that introduced it (the only place they are written; <see cref="Presets"/> switches tricks on),
/// <see cref="Off"/> restores the baseline behaviour of what the trick changed, except what <see cref="Keeps"/> says.
/// </summary>
/// <param name="Keeps">What <see cref="Off"/> does not restore, in words; null when it restores the baseline exactly.</param>
public sealed record Trick(string Name, string Description, Func<Recipe, Recipe> On, Func<Recipe, Recipe> Off, string? Keeps = null)
{
    private static readonly Recipe Baseline = new();

    public static readonly IReadOnlyList<Trick> All =
    [
        new("gpu-data", "Device-resident data with group-wise augmentation (one option per group, ≤200 options per transform per epoch).",
            r => r with { GroupAugmentation = true }, r => r with { GroupAugmentation = false }),
        new("pool-before-bn", "Max-pool moved before batch norm in the pooled blocks (conv → pool → BN → act).",
            r => r with { Pool = PoolPlacement.BeforeBatchNorm }, r => r with { Pool = Baseline.Pool }),
        new("label-smoothing", "Label smoothing α = 0.2.",
            r => r with { LabelSmoothing = 0.2 }, r => r with { LabelSmoothing = 0 }),
        new("celu", "CELU activations (α = 0.075, or 0.3 once BN scales are frozen) instead of ReLU.",
            r => r with { Activation = Activation.Celu, CeluAlpha = r.FrozenBatchNormScales ? 0.3 : Baseline.CeluAlpha }, r => r with { Activation = Baseline.Activation }),
        new("ghost-bn", "Ghost batch norm with 16 splits (batch norm over groups of 32).",
            r => r with { GhostBatchNormSplits = 16 }, r => r with { GhostBatchNormSplits = 1 }),
        new("frozen-bn-scales", "BN scales frozen at 1; BN-bias learning rate ×64 and weight decay ÷64; logits ×1/16; CELU α 0.3.",
            r => r with
            {
                FrozenBatchNormScales = true, BiasLearningRateScale = 64, BiasWeightDecayScale = 1.0 / 64, OutputScale = 1.0 / 16,
                CeluAlpha = r.Activation == Activation.Celu ? 0.3 : r.CeluAlpha,
            },
            r => r with
            {
                FrozenBatchNormScales = false, BiasLearningRateScale = 1, BiasWeightDecayScale = 1, OutputScale = Baseline.OutputScale,
                CeluAlpha = r.Activation == Activation.Celu ? Baseline.CeluAlpha : r.CeluAlpha,
            }),
        new("whitening", "3×3 PCA input-patch whitening (fixed conv 3→27 from 10,000 images, ε = 1e-2) then a learnable 1×1 conv.",
            r => r with { Whitening = true }, r => r with { Whitening = false },
            Keeps: "a 5×5 cutout stays 5×5 (cutout's size follows whitening only when cutout is switched on)"),
        new("ema", "Evaluate an EMA of weights and BN statistics (momentum 0.99 every 5 batches); learning rate floored at 0.1 × peak for the last 2 epochs.",
            r => r with { Ema = true, LearningRate = Schedule.Floored(r.Epochs, r.LearningRate) }, r => r with { Ema = false },
            Keeps: "the learning-rate floor: the schedule belongs to the stage (override learningRate to change it)"),
        new("tta", "Flip test-time augmentation: the mean of the logits of each image and its mirror.",
            r => r with { Tta = true }, r => r with { Tta = false }),
        new("cutout", "Cutout 8×8 (5×5 once whitening is on), zero-filled.",
            r => r with { Cutout = r.Whitening ? 5 : Baseline.Cutout }, r => r with { Cutout = 0 },
            Keeps: "nothing of the baseline's 8×8 cutout: off is no cutout (the baseline's cutout is this trick)"),
    ];

    public static Trick? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
