namespace Runner.Core.Batches;

/// <summary>The run table of a batch as tidy CSV: one row per run.</summary>
public static class RunCsv
{
    private static readonly (string Header, Func<(BatchRecord Batch, RunRecord Run), object?> Value)[] Columns =
    [
        ("batch_id", x => x.Batch.Id), ("batch", x => x.Batch.Name), ("run_id", x => x.Run.Id), ("arm", x => x.Run.Arm),
        ("is_baseline", x => x.Run.IsBaseline), ("seed", x => x.Run.Seed), ("status", x => x.Run.Status), ("attempt", x => x.Run.Attempt),
        ("test_accuracy", x => x.Run.TestAccuracy), ("tta_accuracy", x => x.Run.TtaAccuracy), ("train_loss", x => x.Run.TrainLoss),
        ("train_accuracy", x => x.Run.TrainAccuracy), ("training_seconds", x => x.Run.TrainingSeconds), ("total_seconds", x => x.Run.TotalSeconds),
        ("steps", x => x.Run.Steps), ("queued_at", x => x.Run.QueuedAt), ("started_at", x => x.Run.StartedAt), ("first_step_seconds", x => x.Run.FirstStepSeconds),
        ("finished_at", x => x.Run.FinishedAt), ("worker", x => x.Run.WorkerName), ("device", x => x.Run.Device), ("device_name", x => x.Run.DeviceName),
        ("torchsharp_version", x => x.Run.TorchsharpVersion), ("libtorch_version", x => x.Run.LibtorchVersion), ("threads", x => x.Run.Threads),
        ("recipe_hash", x => x.Run.RecipeHash), ("error_kind", x => x.Run.ErrorKind), ("error", x => x.Run.Error), ("stop_reason", x => x.Run.StopReason),
    ];

    public static string Write(BatchRecord batch, IEnumerable<RunRecord> runs) => TidyCsv.Write(Columns, runs.Select(r => (batch, r)));
}

/// <summary>Every stored epoch of a batch's runs as tidy CSV: one row per run and epoch, for learning curves in pandas or R.</summary>
public static class EpochCsv
{
    private static readonly (string Header, Func<BatchEpoch, object?> Value)[] Columns =
    [
        ("batch_id", e => e.BatchId), ("run_id", e => e.RunId), ("arm", e => e.Arm), ("seed", e => e.Seed), ("status", e => e.Status), ("attempt", e => e.Attempt),
        ("epoch", e => e.Epoch), ("train_loss", e => e.TrainLoss), ("train_accuracy", e => e.TrainAccuracy), ("test_accuracy", e => e.TestAccuracy),
        ("learning_rate", e => e.LearningRate), ("epoch_seconds", e => e.EpochSeconds), ("training_seconds", e => e.TrainingSeconds),
    ];

    public static string Write(IEnumerable<BatchEpoch> epochs) => TidyCsv.Write(Columns, epochs);
}

/// <summary>One epoch of one run of a batch.</summary>
public sealed record BatchEpoch
{
    public long BatchId { get; init; }
    public long RunId { get; init; }
    public string Arm { get; init; } = "";
    public long Seed { get; init; }
    public string Status { get; init; } = "";
    public int Attempt { get; init; }
    public int Epoch { get; init; }
    public double TrainLoss { get; init; }
    public double TrainAccuracy { get; init; }
    public double TestAccuracy { get; init; }
    public double LearningRate { get; init; }
    public double EpochSeconds { get; init; }
    public double TrainingSeconds { get; init; }
}
