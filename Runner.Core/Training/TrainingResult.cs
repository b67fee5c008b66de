using Runner.Core.Recipes;

namespace Runner.Core.Training;

/// <summary>
/// The outcome of one run. Training seconds count as the reference does: preprocessing (normalising
/// is done once per device and not counted; whitening is) and training in, per-epoch evaluation out.
/// </summary>
public sealed record TrainingResult(
    double TestAccuracy,
    double? TtaAccuracy,
    double TrainingSeconds,
    double TotalSeconds,
    long Steps,
    IReadOnlyList<EpochMetrics> Epochs,
    long Seed,
    string RecipeHash,
    string Device,
    string DeviceName,
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads,
    string Data,
    Precision Precision,
    string? Numerics = null);
