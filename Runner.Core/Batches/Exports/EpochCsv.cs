namespace Runner.Core.Batches;

/// <summary>Every stored epoch of a batch's runs as tidy CSV: one row per run and epoch, for learning curves in pandas or R.</summary>
public static class EpochCsv
{
    private static readonly (string Header, Func<BatchEpoch, object?> Value)[] Columns =
    [
        ("batch_id", e => e.BatchId), ("run_id", e => e.RunId), ("arm", e => e.Arm), ("seed", e => e.Seed), ("status", e => e.Status.Name()), ("attempt", e => e.Attempt),
        ("epoch", e => e.Epoch), ("train_loss", e => e.TrainLoss), ("train_accuracy", e => e.TrainAccuracy), ("test_accuracy", e => e.TestAccuracy),
        ("learning_rate", e => e.LearningRate), ("epoch_seconds", e => e.EpochSeconds), ("training_seconds", e => e.TrainingSeconds),
    ];

    public static string Write(IEnumerable<BatchEpoch> epochs) => TidyCsv.Write(Columns, epochs);
}
