using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary>A per-run number a batch can be analysed on: its name, its column in <c>runs</c>, and which way is better.</summary>
public sealed record Metric(string Name, string Column, Goal Goal, string Description)
{
    public static readonly IReadOnlyList<Metric> All =
    [
        new("test-accuracy", "test_accuracy", Goal.Maximize, "Final test accuracy (of the EMA model when EMA is on), without TTA."),
        new("tta-accuracy", "tta_accuracy", Goal.Maximize, "Final test accuracy with flip TTA; only for recipes with TTA on."),
        new("train-loss", "train_loss", Goal.Minimize, "Training loss of the last epoch (mean per example, on augmented batches)."),
        new("train-accuracy", "train_accuracy", Goal.Maximize, "Training accuracy of the last epoch, on augmented batches."),
        new("training-seconds", "training_seconds", Goal.Minimize, "Training time as the reference counts it: preprocessing and training, not evaluation."),
        new("total-seconds", "total_seconds", Goal.Minimize, "Wall time of the whole run, evaluation included."),
    ];

    public const string Default = "test-accuracy";

    public static Metric? Find(string? name) => All.FirstOrDefault(m => m.Name == name);

    public static string Unknown(string? name) => $"'{name}' is not a metric; use one of: {string.Join(", ", All.Select(m => m.Name))}.";
}
