namespace Runner.Core.Recipes;

public static class RecipeValidation
{
    /// <summary>Every problem with a recipe, keyed by the field's JSON name; empty when the recipe is valid.</summary>
    public static Dictionary<string, string[]> Validate(this Recipe r)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
                errors[field] = [message];
        }

        Check(r.Epochs is >= 1 and <= 1000, "epochs", $"{r.Epochs} is out of range; use 1 to 1000.");
        Check(r.BatchSize is >= 2 and <= 8192, "batchSize", $"{r.BatchSize} is out of range; use 2 to 8192.");
        Check(r.GhostBatchNormSplits >= 1 && r.BatchSize % r.GhostBatchNormSplits == 0, "ghostBatchNormSplits",
            $"{r.GhostBatchNormSplits} splits must be at least 1 and divide the batch size {r.BatchSize}.");
        var s = r.LearningRate;
        Check(s.Knots.Length >= 2 && s.Knots.Length == s.Values.Length, "learningRate", "Give at least two knots and one value per knot.");
        if (s.Knots.Length == s.Values.Length)
        {
            Check(s.Knots.Zip(s.Knots.Skip(1)).All(k => k.Second > k.First) && s.Knots[0] >= 0, "learningRate.knots", "Knots must start at 0 or later and increase.");
            Check(s.Values.All(v => v >= 0 && double.IsFinite(v)), "learningRate.values", "Learning rates must be finite and not negative.");
        }
        Check(r.WeightDecay is >= 0 and < 1, "weightDecay", $"{r.WeightDecay} is out of range; use 0 to 1 (per example, e.g. 5e-4).");
        Check(r.Momentum is >= 0 and < 1, "momentum", $"{r.Momentum} is out of range; use 0 to 1.");
        Check(r.MaxOptions >= 1, "maxOptions", "At least one option per transform.");
        Check(r.Cutout is >= 0 and <= 32, "cutout", $"{r.Cutout} is out of range; use 0 (off) to 32 pixels.");
        Check(r.TrainSubset is null or (>= 1 and <= 50_000), "trainSubset", $"{r.TrainSubset} is out of range; use 1 to 50000 or leave it out.");
        // Below 1/8 the first convolutions have fewer than 8 channels, where libtorch 2.10's CPU convolution
        // backward was measured to return NaN input gradients (docs/benchmarks.md, known issues).
        Check(r.Width is >= 0.125 and <= 4, "width", $"{r.Width} is out of range; use a multiplier from 0.125 (8 channels in the first layer) to 4.");
        Check(r.Activation is "relu" or "celu", "activation", $"'{r.Activation}' is not an activation; use relu or celu.");
        Check(r.CeluAlpha > 0, "celuAlpha", "CELU's alpha must be positive.");
        Check(r.BiasLearningRateScale > 0, "biasLearningRateScale", "Must be positive.");
        Check(r.BiasWeightDecayScale >= 0, "biasWeightDecayScale", "Must not be negative.");
        Check(r.OutputScale > 0, "outputScale", "Must be positive.");
        Check(r.WhiteningEpsilon > 0, "whiteningEpsilon", "Must be positive.");
        Check(r.WhiteningImages is >= 1 and <= 50_000, "whiteningImages", "Use 1 to 50000 images.");
        Check(r.LabelSmoothing is >= 0 and < 1, "labelSmoothing", $"{r.LabelSmoothing} is out of range; use 0 (off) to below 1.");
        Check(r.EmaMomentum is > 0 and < 1, "emaMomentum", $"{r.EmaMomentum} is out of range; use a value between 0 and 1.");
        Check(r.EmaEvery >= 1, "emaEvery", "Update the EMA every 1 or more batches.");
        Check(r.Precision is "fp32" or "fp16", "precision", $"'{r.Precision}' is not a precision; use fp32 or fp16.");
        return errors;
    }
}
