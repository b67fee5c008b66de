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
        new("whitening", "Fixed PCA input-patch whitening. resnet9: a 3×3 conv 3→27 (10,000 images, ε = 1e-2) then a learnable 1×1 conv; "
            + "airbench: a 2×2 conv 3→24, the 12 filters and their negations (5,000 images, ε = 5e-4), its bias trained as whitening-bias says.",
            r => r with { Whitening = true }, r => r with { Whitening = false },
            Keeps: "resnet9: a 5×5 cutout stays 5×5 (cutout's size follows whitening only when cutout is switched on); "
                + "airbench: the 2×2 conv 3→24 stays, trained from its default initialisation"),
        new("ema", "Evaluate an EMA of weights and BN statistics (momentum 0.99 every 5 batches); learning rate floored at 0.1 × peak for the last 2 epochs.",
            r => r with { Ema = true, LearningRate = Schedule.Floored(r.Epochs, r.LearningRate) }, r => r with { Ema = false },
            Keeps: "the learning-rate floor: the schedule belongs to the stage (override learningRate to change it)"),
        new("tta", "Flip test-time augmentation: the mean of the logits of each image and its mirror.",
            r => r with { Tta = true }, r => r with { Tta = false, TtaTranslate = false }),
        new("tta-translate", "airbench's TTA level 2: the mirrored pairs of the image and of two 1-pixel translations, weighted ¼, ¼ and 4 × ⅛.",
            r => r with { Tta = true, TtaTranslate = true }, r => r with { TtaTranslate = false },
            Keeps: "the flip TTA (level 1): switch tta off too for none"),
        new("alternating-flip", "airbench's alternating flip: a random half of the images flipped in the first epoch, then every image's flip alternates by epoch.",
            r => r with { AlternatingFlip = true }, r => r with { AlternatingFlip = false },
            Keeps: "a flip: each image is flipped at random each epoch"),
        new("lookahead", "airbench's lookahead: every 5 steps the network is pulled to an EMA of itself (decay 0.95⁵ · (step / steps)³), and set to it at the last step.",
            r => r with { Lookahead = true }, r => r with { Lookahead = false }),
        new("whitening-bias", "airbench: the whitening convolution's bias trains for the first 3 epochs, then is frozen.",
            r => r with { WhiteningBiasEpochs = 3 }, r => r with { WhiteningBiasEpochs = 0 },
            Keeps: "the bias itself, at zero"),
        new("dirac-init", "Each 3×3 convolution starts as the identity on its first in-channels filters (dirac), the rest with the default initialisation.",
            r => r with { DiracInit = true }, r => r with { DiracInit = false }),
        new("cutout", "Cutout 8×8 (5×5 once whitening is on), zero-filled.",
            r => r with { Cutout = r.Whitening ? 5 : Baseline.Cutout }, r => r with { Cutout = 0 },
            Keeps: "nothing of the baseline's 8×8 cutout: off is no cutout (the baseline's cutout is this trick)"),
    ];

    public static Trick? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
