using System.Globalization;
using System.Text;

namespace Runner.Core.Batches;

/// <summary>The run table in tidy form (one row per run, one column per variable) that pandas and R read directly.</summary>
public static class RunCsv
{
    private static readonly (string Header, Func<BatchRecord, RunRecord, object?> Value)[] Columns =
    [
        ("batch_id", (b, _) => b.Id), ("batch", (b, _) => b.Name), ("run_id", (_, r) => r.Id), ("arm", (_, r) => r.Arm),
        ("is_baseline", (_, r) => r.IsBaseline), ("seed", (_, r) => r.Seed), ("status", (_, r) => r.Status), ("attempt", (_, r) => r.Attempt),
        ("test_accuracy", (_, r) => r.TestAccuracy), ("tta_accuracy", (_, r) => r.TtaAccuracy), ("train_loss", (_, r) => r.TrainLoss),
        ("train_accuracy", (_, r) => r.TrainAccuracy), ("training_seconds", (_, r) => r.TrainingSeconds), ("total_seconds", (_, r) => r.TotalSeconds),
        ("steps", (_, r) => r.Steps), ("queued_at", (_, r) => r.QueuedAt), ("started_at", (_, r) => r.StartedAt), ("first_step_seconds", (_, r) => r.FirstStepSeconds), ("finished_at", (_, r) => r.FinishedAt),
        ("worker", (_, r) => r.WorkerName), ("device", (_, r) => r.Device), ("device_name", (_, r) => r.DeviceName),
        ("torchsharp_version", (_, r) => r.TorchsharpVersion), ("libtorch_version", (_, r) => r.LibtorchVersion), ("threads", (_, r) => r.Threads),
        ("recipe_hash", (_, r) => r.RecipeHash), ("error_kind", (_, r) => r.ErrorKind), ("error", (_, r) => r.Error),
    ];

    public static string Write(BatchRecord batch, IEnumerable<RunRecord> runs)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns.Select(c => c.Header)).Append('\n');
        foreach (var run in runs)
            csv.AppendJoin(',', Columns.Select(c => Field(c.Value(batch, run)))).Append('\n');
        return csv.ToString();
    }

    /// <summary>Empty for missing values (NA in R, NaN in pandas), invariant numbers, ISO 8601 UTC times, quoted text where needed.</summary>
    private static string Field(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
