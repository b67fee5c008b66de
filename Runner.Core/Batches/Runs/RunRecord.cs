using System.Text.Json.Nodes;
using Runner.Core.Recipes;
using Runner.Core.Training;

namespace Runner.Core.Batches;

/// <summary>One run as stored: where it is, who ran it on what, and its result.</summary>
public sealed record RunRecord
{
    public long Id { get; init; }
    public long BatchId { get; init; }
    public string Arm { get; init; } = "";
    public bool IsBaseline { get; init; }
    public long Seed { get; init; }
    public int Position { get; init; }
    public RunStatus Status { get; init; }
    public int Attempt { get; init; }
    public string? JobId { get; init; }
    public string? WorkerName { get; init; }
    public string? Device { get; init; }
    public string? DeviceName { get; init; }
    public string? TorchsharpVersion { get; init; }
    public string? LibtorchVersion { get; init; }
    public int? Threads { get; init; }
    public string? Data { get; init; }
    public long? StepsDone { get; init; }
    public long? StepsTotal { get; init; }
    public DateTime QueuedAt { get; init; }
    public DateTime? StartedAt { get; init; }

    /// <summary>From the job's start to the end of its first training step (data, whitening, model setup, one step).</summary>
    public double? FirstStepSeconds { get; init; }

    public DateTime? FinishedAt { get; init; }
    public double? TestAccuracy { get; init; }
    public double? TtaAccuracy { get; init; }
    public double? TrainLoss { get; init; }
    public double? TrainAccuracy { get; init; }
    public double? TrainingSeconds { get; init; }
    public double? TotalSeconds { get; init; }
    public long? Steps { get; init; }
    public string RecipeHash { get; init; } = "";
    public string? Error { get; init; }
    public RunErrorKind? ErrorKind { get; init; }

    /// <summary>Why a sequential batch stopped this run before it started ("stopped at look 2: better").</summary>
    public string? StopReason { get; init; }

    /// <summary>What the run trained in (fp32, fp16): the recipe's precision as resolved on its device.</summary>
    public Precision? Precision { get; init; }

    /// <summary>The worker's numerics settings on CUDA ("tf32 off"); null on the CPU.</summary>
    public string? Numerics { get; init; }

    /// <summary>The value of a metric (by its column name) for this run.</summary>
    public double? Value(Metric metric) => metric.Column switch
    {
        "test_accuracy" => TestAccuracy,
        "tta_accuracy" => TtaAccuracy,
        "train_loss" => TrainLoss,
        "train_accuracy" => TrainAccuracy,
        "training_seconds" => TrainingSeconds,
        "total_seconds" => TotalSeconds,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric.Name, "Not a run metric."),
    };
}

/// <summary><c>GET /runs/{id}</c>: the run, its canonical recipe, and its per-epoch metrics.</summary>
public sealed record RunDetail(RunRecord Run, JsonNode? Recipe, IReadOnlyList<EpochMetrics> Epochs);

/// <summary>One epoch of one run, for the batch's curves.</summary>
public sealed record EpochPoint
{
    public string Arm { get; init; } = "";
    public long RunId { get; init; }
    public int Epoch { get; init; }
    public double TestAccuracy { get; init; }
    public double TrainLoss { get; init; }
}
