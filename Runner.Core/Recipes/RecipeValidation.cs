namespace Runner.Core.Recipes;

/// <summary>
/// The range of every recipe field, keyed by its JSON name. A field with no rule here is refused: a
/// field added to <see cref="Recipe"/> later cannot run until someone states what values make sense.
/// </summary>
public static class RecipeValidation
{
    private sealed record Rule(Func<Recipe, bool> Ok, Func<Recipe, string> Message);

    public const int MaxKnots = 100;
    public const double MaxLearningRate = 100;

    /// <summary>The most pixels of translation: the training images are kept reflect-padded by this much.</summary>
    public const int MaxTranslate = 4;

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["epochs"] = new(r => r.Epochs is >= 0.01 and <= 1000, r => $"{r.Epochs} is out of range; use 0.01 to 1000 (fractions of an epoch allowed)."),
        ["batchSize"] = new(r => r.BatchSize is >= 2 and <= 8192, r => $"{r.BatchSize} is out of range; use 2 to 8192."),
        ["learningRate"] = new(r => ScheduleProblem(r) is null, r => ScheduleProblem(r)!),
        ["weightDecay"] = new(r => r.WeightDecay is >= 0 and < 1, r => $"{r.WeightDecay} is out of range; use 0 to 1 (per example, e.g. 5e-4)."),
        ["momentum"] = new(r => r.Momentum is >= 0 and < 1, r => $"{r.Momentum} is out of range; use 0 to 1."),
        ["optimizer"] = new(r => Enum.IsDefined(r.Optimizer) && (r.Optimizer != Optimizer.Decoupled || r.LearningRate is { Values.Length: > 0 } && r.LearningRate.Peak > 0),
            r => Enum.IsDefined(r.Optimizer) ? "The decoupled optimizer divides the weight decay by the schedule's peak; give a learning rate above 0." : $"'{r.Optimizer}' is not an optimizer; use page or decoupled."),
        ["normalisation"] = new(r => Enum.IsDefined(r.Normalisation), r => $"'{r.Normalisation}' is not a normalisation; use cifar10-fast or airbench."),
        ["groupAugmentation"] = new(r => !(r.GroupAugmentation && r.Network == Network.Airbench),
            _ => "airbench augments each image on the device with its own loader; group-wise augmentation is the resnet9 stages' (use false)."),
        ["maxOptions"] = new(r => r.MaxOptions is >= 1 and <= 10_000, r => $"{r.MaxOptions} is out of range; use 1 to 10000 options per transform."),
        ["cutout"] = new(r => r.Cutout is >= 0 and <= 32 && !(r.Cutout > 0 && r.Network == Network.Airbench),
            r => r.Cutout is >= 0 and <= 32 ? "airbench's loader has no cutout; use 0." : $"{r.Cutout} is out of range; use 0 (off) to 32 pixels."),
        ["translate"] = new(r => r.Translate is >= 0 and <= MaxTranslate, r => $"{r.Translate} is out of range; use 0 to {MaxTranslate} pixels."),
        ["alternatingFlip"] = new(r => !r.AlternatingFlip || r.Network == Network.Airbench, _ => "Alternating flip is airbench's loader; use it with network airbench."),
        ["network"] = new(r => Enum.IsDefined(r.Network), r => $"'{r.Network}' is not a network; use resnet9 or airbench."),
        ["trainSubset"] = new(r => r.TrainSubset is null or (>= 1 and <= 50_000), r => $"{r.TrainSubset} is out of range; use 1 to 50000 or leave it out."),
        // Below 1/8 the first convolutions have fewer than 8 channels, where libtorch 2.10's CPU convolution
        // backward was measured to return NaN input gradients (docs/benchmarks.md, known issues).
        ["width"] = new(r => r.Width is >= 0.125 and <= 4, r => $"{r.Width} is out of range; use a multiplier from 0.125 (8 channels in the first layer) to 4."),
        ["pool"] = new(r => Enum.IsDefined(r.Pool), r => $"{(int)r.Pool} is not a pool placement; use after-activation, before-activation or before-batch-norm."),
        ["activation"] = new(r => Enum.IsDefined(r.Activation), r => $"'{r.Activation}' is not an activation; use relu, celu or gelu."),
        ["celuAlpha"] = new(r => r.CeluAlpha is > 0 and <= 10, r => $"{r.CeluAlpha} is out of range; CELU's alpha must be above 0 and at most 10."),
        ["ghostBatchNormSplits"] = new(r => r.GhostBatchNormSplits >= 1 && r.BatchSize % r.GhostBatchNormSplits == 0 && r.BatchSize / r.GhostBatchNormSplits >= 2,
            r => $"{r.GhostBatchNormSplits} splits must divide the batch size {r.BatchSize} into groups of at least 2."),
        ["frozenBatchNormScales"] = Always,
        ["batchNormMomentum"] = new(r => r.BatchNormMomentum is > 0 and <= 1, r => $"{r.BatchNormMomentum} is out of range; use above 0 to 1 (PyTorch's sense: the new batch's weight)."),
        ["batchNormEpsilon"] = new(r => r.BatchNormEpsilon is > 0 and <= 1, r => $"{r.BatchNormEpsilon} is out of range; use above 0 to 1."),
        ["diracInit"] = Always,
        ["biasLearningRateScale"] = new(r => r.BiasLearningRateScale is > 0 and <= 1000, _ => "Must be above 0 and at most 1000."),
        ["biasWeightDecayScale"] = new(r => r.BiasWeightDecayScale is >= 0 and <= 1000, _ => "Use 0 to 1000."),
        ["outputScale"] = new(r => r.OutputScale is > 0 and <= 100, _ => "Must be above 0 and at most 100."),
        ["whitening"] = Always,
        ["whiteningEpsilon"] = new(r => r.WhiteningEpsilon is > 0 and <= 10, _ => "Must be above 0 and at most 10."),
        ["whiteningImages"] = new(r => r.WhiteningImages is >= 1 and <= 50_000, _ => "Use 1 to 50000 images."),
        ["whiteningBiasEpochs"] = new(r => r.WhiteningBiasEpochs is >= 0 and <= 1000 && (r.WhiteningBiasEpochs == 0 || r.Network == Network.Airbench),
            r => r.WhiteningBiasEpochs is >= 0 and <= 1000 ? "Only airbench's whitening convolution has a bias; use 0 with resnet9." : $"{r.WhiteningBiasEpochs} is out of range; use 0 to 1000 epochs."),
        ["labelSmoothing"] = new(r => r.LabelSmoothing is >= 0 and < 1, r => $"{r.LabelSmoothing} is out of range; use 0 (off) to below 1."),
        ["ema"] = Always,
        ["emaMomentum"] = new(r => r.EmaMomentum is > 0 and < 1, r => $"{r.EmaMomentum} is out of range; use a value between 0 and 1."),
        ["emaEvery"] = new(r => r.EmaEvery is >= 1 and <= 1000, _ => "Update the EMA every 1 to 1000 batches."),
        ["emaCounter"] = new(r => Enum.IsDefined(r.EmaCounter), r => $"'{r.EmaCounter}' is not an EMA counter; use epoch or run."),
        ["emaStatistics"] = new(r => Enum.IsDefined(r.EmaStatistics), r => $"'{r.EmaStatistics}' is not a choice of EMA statistics; use mean-of-splits or first-split."),
        ["lookahead"] = Always,
        ["tta"] = Always,
        ["ttaTranslate"] = new(r => !r.TtaTranslate || r.Tta, _ => "Translation TTA averages mirrored pairs; switch tta on too."),
        ["precision"] = new(r => Enum.IsDefined(r.Precision), r => $"'{r.Precision}' is not a precision; use auto, fp32 or fp16."),
    };

    private static Rule Always => new(_ => true, _ => "");

    /// <summary>The recipe's fields by JSON name, as its canonical JSON writes them.</summary>
    public static readonly IReadOnlyList<string> Fields = RecipeJson.ToNode(new Recipe()).Select(p => p.Key).ToList();

    /// <summary>Whether <paramref name="field"/> has a stated range.</summary>
    public static bool HasRule(string field) => Rules.ContainsKey(field);

    /// <summary>Every problem with a recipe, keyed by the field's JSON name; empty when the recipe is valid.</summary>
    public static Dictionary<string, string[]> Validate(this Recipe r)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var field in Fields)
        {
            if (!Rules.TryGetValue(field, out var rule))
                errors[field] = ["This field has no stated range yet, so no recipe may use it (Runner.Core/Recipes/RecipeValidation.cs)."];
            else if (!rule.Ok(r))
                errors[field] = [rule.Message(r)];
        }
        return errors;
    }

    private static string? ScheduleProblem(Recipe r)
    {
        if (r.LearningRate is not { Knots: { } knots, Values: { } values })
            return "Give the schedule as {\"knots\": [0, ...], \"values\": [...]}, knots in epochs.";
        if (knots.Length < 2 || knots.Length > MaxKnots || knots.Length != values.Length)
            return $"Give 2 to {MaxKnots} knots and one value per knot.";
        if (knots[0] != 0 || !knots.Zip(knots.Skip(1)).All(k => k.Second > k.First) || !knots.All(k => k <= 1000))
            return "Knots (epochs) must start at 0 and strictly increase, up to 1000.";
        if (!values.All(v => v is >= 0 and <= MaxLearningRate))
            return $"Learning rates must be from 0 to {MaxLearningRate}.";
        return null;
    }
}
