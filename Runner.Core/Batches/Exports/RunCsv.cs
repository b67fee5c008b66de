using Runner.Core.Recipes;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>The run table of a batch as tidy CSV: one row per run.</summary>
public static class RunCsv
{
    private static readonly (string Header, Func<(BatchRecord Batch, RunRecord Run), object?> Value)[] Columns =
    [
        ("batch_id", x => x.Batch.Id), ("batch", x => x.Batch.Name), ("run_id", x => x.Run.Id), ("arm", x => x.Run.Arm),
        ("is_baseline", x => x.Run.IsBaseline), ("seed", x => x.Run.Seed), ("status", x => x.Run.Status.Name()), ("attempt", x => x.Run.Attempt),
        ("test_accuracy", x => x.Run.TestAccuracy), ("tta_accuracy", x => x.Run.TtaAccuracy), ("train_loss", x => x.Run.TrainLoss),
        ("train_accuracy", x => x.Run.TrainAccuracy), ("training_seconds", x => x.Run.TrainingSeconds), ("total_seconds", x => x.Run.TotalSeconds),
        ("steps", x => x.Run.Steps), ("queued_at", x => x.Run.QueuedAt), ("started_at", x => x.Run.StartedAt), ("first_step_seconds", x => x.Run.FirstStepSeconds),
        ("finished_at", x => x.Run.FinishedAt), ("worker", x => x.Run.WorkerName), ("device", x => x.Run.Device), ("device_name", x => x.Run.DeviceName),
        ("torchsharp_version", x => x.Run.TorchsharpVersion), ("libtorch_version", x => x.Run.LibtorchVersion), ("threads", x => x.Run.Threads),
        ("precision", x => x.Run.Precision?.Name()), ("numerics", x => x.Run.Numerics), ("recipe_hash", x => x.Run.RecipeHash), ("error_kind", x => x.Run.ErrorKind is { } kind ? JsonNames.Of(kind) : null), ("error", x => x.Run.Error), ("stop_reason", x => x.Run.StopReason),
    ];

    public static string Write(BatchRecord batch, IEnumerable<RunRecord> runs) => TidyCsv.Write(Columns, runs.Select(r => (batch, r)));
}
