namespace Runner.Core.Recipes;

/// <summary>
/// The stages of the bag-of-tricks table (docs/reference-recipe.md §1.1, §1.3), each keeping every trick
/// before it, with that stage's epochs, schedule and constants.
/// </summary>
public static class Presets
{
    public sealed record Preset(string Name, string Description, Recipe Recipe);

    private static Schedule Peak(int epochs, double peakAt, double peak) => new([0, peakAt, epochs], [0, peak, 0]);

    public static readonly Recipe Baseline = new();

    private static readonly Recipe GpuData = Baseline with { GpuData = true };
    private static readonly Recipe PoolBeforeBn = GpuData with { Pool = PoolPlacement.BeforeBatchNorm, Epochs = 25, LearningRate = Peak(25, 5, 0.4) };
    private static readonly Recipe LabelSmoothing = PoolBeforeBn with { LabelSmoothing = 0.2, Epochs = 23, LearningRate = Peak(23, 23 / 5.0, 0.4) };
    private static readonly Recipe Celu = LabelSmoothing with { Activation = "celu", CeluAlpha = 0.075, Epochs = 20, LearningRate = Peak(20, 4, 0.4) };
    private static readonly Recipe GhostBn = Celu with { GhostBatchNormSplits = 16, Epochs = 18, LearningRate = Peak(18, 18 / 5.0, 0.6) };

    private static readonly Recipe FrozenBnScales = GhostBn with
    {
        FrozenBatchNormScales = true, CeluAlpha = 0.3, BiasLearningRateScale = 64, BiasWeightDecayScale = 1.0 / 64, OutputScale = 1.0 / 16,
        Epochs = 17, LearningRate = Peak(17, 17 / 5.0, 0.6),
    };

    private static readonly Recipe Whitening = FrozenBnScales with { Whitening = true, Cutout = 5, Epochs = 14, LearningRate = Peak(14, 14 / 5.0, 1.0) };
    private static readonly Recipe Ema = Whitening with { Ema = true, Epochs = 13, LearningRate = new Schedule([0, 13 / 5.0, 11], [0, 1.0, 0.1]) };
    private static readonly Recipe Tta = Ema with { Tta = true, Cutout = 0, Epochs = 10, LearningRate = new Schedule([0, 2, 8], [0, 1.0, 0.1]) };

    public static readonly IReadOnlyList<Preset> All =
    [
        new("baseline", "DAWNBench baseline: 24 epochs, ReLU, conv-BN-ReLU-pool, cutout 8, ~94% in 75 s on a V100.", Baseline),
        new("gpu-data", "Stage 1: data and group-wise augmentation on the device.", GpuData),
        new("pool-before-bn", "Stage 2: max-pool before batch norm, 25 epochs.", PoolBeforeBn),
        new("label-smoothing", "Stage 3: label smoothing 0.2, 23 epochs, warm-up to epochs/5.", LabelSmoothing),
        new("celu", "Stage 4: CELU α 0.075, 20 epochs.", Celu),
        new("ghost-bn", "Stage 5: ghost batch norm (16 splits), peak learning rate 0.6, 18 epochs.", GhostBn),
        new("frozen-bn-scales", "Stage 6: BN scales frozen, CELU α 0.3, bias lr ×64 and wd ÷64, logits ×1/16, 17 epochs.", FrozenBnScales),
        new("whitening", "Stage 7: 3×3 PCA whitening, peak learning rate 1.0, cutout 5, 14 epochs.", Whitening),
        new("ema", "Stage 8: EMA of weights (0.99 every 5 batches), learning rate floored at 0.1 for the last 2 epochs, 13 epochs.", Ema),
        new("tta", "Stage 9 (final): flip TTA, no cutout, 10 epochs: 94.1% in 26 s on a V100.", Tta),
    ];

    public static Preset? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
