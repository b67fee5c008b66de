namespace Runner.Core.Recipes;

/// <summary>
/// The stages of the bag-of-tricks table (docs/recipe.md, "Presets"): each switches its trick on
/// (<see cref="Trick.On"/>, where the trick's constants live) on the stage before it, and sets that stage's
/// epochs and peak learning rate. The warm-up ends at epoch 5 in the first three stages and at epochs / 5
/// from label smoothing on; the EMA trick floors the decay. Then airbench94, its family's base with its tricks on.
/// </summary>
public static class Presets
{
    /// <param name="FixedWarmup">The epoch where the warm-up ends whatever the epochs (the first stages); null: epochs / 5.</param>
    public sealed record Preset(string Name, string Description, Recipe Recipe, double? FixedWarmup)
    {
        /// <summary>Where the warm-up ends for a number of epochs, by this stage's rule (epochs / 5 where a run is too short for a fixed warm-up).</summary>
        public double Warmup(double epochs) => FixedWarmup is { } w && w < epochs ? w : epochs / 5.0;

        /// <summary>
        /// The schedule re-derived by this preset's rule for a recipe whose epochs (or, for airbench, steps per epoch)
        /// were overridden: the stage's warm-up, peak and floor, or airbench's one-cycle over the recipe's steps.
        /// </summary>
        public Schedule ScheduleFor(Recipe recipe) => recipe.Network == Network.Airbench
            ? Schedule.OneCycle(recipe)
            : recipe.LearningRate.ForEpochs(recipe.Epochs, Warmup(recipe.Epochs));
    }

    public static readonly Recipe Baseline = new();

    private static Recipe On(string trick, Recipe recipe) => Trick.Find(trick)!.On(recipe);

    private static Recipe Off(string trick, Recipe recipe) => Trick.Find(trick)!.Off(recipe);

    /// <summary>
    /// The stage before with its trick on, at its epochs and peak: set before the trick, so that the EMA floor
    /// follows them; a stage after the EMA's keeps the floor. The warm-up rule given here is the preset's own.
    /// </summary>
    private static Preset Stage(string name, string description, Preset before, string trick, double epochs, double peak, double? fixedWarmup = null)
    {
        var schedule = Schedule.Triangle(epochs, fixedWarmup ?? epochs / 5.0, peak);
        var recipe = before.Recipe with { Epochs = epochs, LearningRate = before.Recipe.LearningRate.HasFloor ? Schedule.Floored(epochs, schedule) : schedule };
        return new Preset(name, description, On(trick, recipe), fixedWarmup);
    }

    /// <summary>A stage with one more change to its recipe.</summary>
    private static Preset Also(Preset stage, Func<Recipe, Recipe> change) => stage with { Recipe = change(stage.Recipe) };

    private static readonly Preset BaselineStage = new("baseline", "DAWNBench baseline: 24 epochs, ReLU, conv-BN-ReLU-pool, cutout 8, ~94% in 75 s on a V100.", Baseline, FixedWarmup: 5);
    private static readonly Preset GpuData = BaselineStage with { Name = "gpu-data", Description = "Stage 1: data and group-wise augmentation on the device.", Recipe = On("gpu-data", Baseline) };
    private static readonly Preset PoolBeforeBn = Stage("pool-before-bn", "Stage 2: max-pool before batch norm, 25 epochs.", GpuData, "pool-before-bn", 25, 0.4, fixedWarmup: 5);
    private static readonly Preset LabelSmoothing = Stage("label-smoothing", "Stage 3: label smoothing 0.2, 23 epochs, warm-up to epochs/5.", PoolBeforeBn, "label-smoothing", 23, 0.4);
    private static readonly Preset Celu = Stage("celu", "Stage 4: CELU α 0.075, 20 epochs.", LabelSmoothing, "celu", 20, 0.4);
    private static readonly Preset GhostBn = Stage("ghost-bn", "Stage 5: ghost batch norm (16 splits), peak learning rate 0.6, 18 epochs.", Celu, "ghost-bn", 18, 0.6);
    private static readonly Preset FrozenBnScales = Stage("frozen-bn-scales", "Stage 6: BN scales frozen, CELU α 0.3, bias lr ×64 and wd ÷64, logits ×1/16, 17 epochs.",
        GhostBn, "frozen-bn-scales", 17, 0.6);

    private static readonly Preset Whitening = Also(Stage("whitening", "Stage 7: 3×3 PCA whitening, peak learning rate 1.0, cutout 5, 14 epochs.", FrozenBnScales,
        "whitening", 14, 1.0), r => On("cutout", r)); // cutout shrinks to 5×5 with whitening

    private static readonly Preset Ema = Stage("ema", "Stage 8: EMA of weights (0.99 every 5 batches), learning rate floored at 0.1 × peak for the last 2 epochs, 13 epochs.",
        Whitening, "ema", 13, 1.0);

    private static readonly Preset Tta = Also(Stage("tta", "Stage 9 (final): flip TTA, no cutout, 10 epochs: 94.1% in 26 s on a V100.", Ema, "tta", 10, 1.0),
        r => Off("cutout", r));

    /// <summary>
    /// airbench94's network, optimiser and loader with every one of its tricks off (docs/recipe.md, "airbench94"): lr 11.5
    /// and weight decay 0.0153 per 1,024 examples, Nesterov momentum 0.85, batch 1,024, 9.9 epochs of its one-cycle
    /// schedule, BN biases at ×64 the learning rate and the same decay, plain frozen-scale batch norm (momentum 0.4, ε 1e-12),
    /// GELU, pooling before batch norm, logits × 1/9, 2-pixel translation, no cutout, whitening from 5,000 images at ε 5e-4.
    /// </summary>
    private static readonly Recipe AirbenchBase = WithOneCycle(new Recipe
    {
        Network = Network.Airbench, Normalisation = Normalisation.Airbench, Epochs = 9.9, BatchSize = 1024, Optimizer = Optimizer.Decoupled, Momentum = 0.85, WeightDecay = 0.0153,
        LearningRate = new Schedule([0, 1], [11.5, 11.5]), BiasLearningRateScale = 64, BiasWeightDecayScale = 1.0 / 64,
        FrozenBatchNormScales = true, BatchNormMomentum = 0.4, BatchNormEpsilon = 1e-12, Activation = Activation.Gelu,
        Pool = PoolPlacement.BeforeBatchNorm, OutputScale = 1.0 / 9, Translate = 2, Cutout = 0, WhiteningEpsilon = 5e-4, WhiteningImages = 5000,
    });

    /// <summary>The recipe with airbench's schedule for its epochs at its peak.</summary>
    private static Recipe WithOneCycle(Recipe recipe) => recipe with { LearningRate = Schedule.OneCycle(recipe) };

    private static readonly Preset Airbench94 = new("airbench94",
        "airbench94 (Keller Jordan, legacy/airbench94.py): 94.01% in 3.83 s on an A100; 2×2 whitening with a bias trained for 3 epochs, dirac init, "
        + "alternating flip, lookahead, label smoothing 0.2 and 6-view TTA.",
        new[] { "whitening", "whitening-bias", "dirac-init", "alternating-flip", "lookahead", "label-smoothing", "tta-translate" }
            .Aggregate(AirbenchBase, (recipe, trick) => On(trick, recipe)),
        FixedWarmup: null);

    public static readonly IReadOnlyList<Preset> All = [BaselineStage, GpuData, PoolBeforeBn, LabelSmoothing, Celu, GhostBn, FrozenBnScales, Whitening, Ema, Tta, Airbench94];

    public static Preset? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
