using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runner.Core.Factorial;

namespace Runner.Core.Batches;

/// <summary>A batch as stored, with its runs counted by status.</summary>
public sealed record BatchRecord
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public BatchStatus Status { get; init; }
    public long[] Seeds { get; init; } = [];
    public string Baseline { get; init; } = "";
    public string Metric { get; init; } = "";
    public double Level { get; init; }
    public double? Margin { get; init; }
    public string Correction { get; init; } = "";
    public string Test { get; init; } = "";
    public string Queue { get; init; } = "";
    public string Priority { get; init; } = "";
    public string? Data { get; init; }

    /// <summary>A factorial batch's stored design (<see cref="FactorialPlan.ToJson"/>); null for other batches.</summary>
    [JsonIgnore]
    public string? Factorial { get; init; }

    /// <summary>A factorial batch's design and factors, read from <see cref="Factorial"/>.</summary>
    [JsonIgnore]
    public FactorialPlan? Design => Factorial is null ? null : FactorialPlan.FromJson(JsonNode.Parse(Factorial)!);

    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public DateTime? CancelledAt { get; init; }
    public RunCounts Runs { get; init; } = new();
}

/// <summary>How many of a batch's runs are in each status.</summary>
public sealed record RunCounts
{
    public int Total { get; init; }
    public int Queued { get; init; }
    public int Running { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Cancelled { get; init; }

    public int Finished => Succeeded + Failed + Cancelled;
}

/// <summary>One arm: how it was asked for (variant) and the full recipe it runs.</summary>
public sealed record ArmRecord
{
    public string Name { get; init; } = "";
    public bool IsBaseline { get; init; }
    public string RecipeHash { get; init; } = "";

    /// <summary>Sequential batches: better, worse, equivalent or undecided once a look decided the arm.</summary>
    public string? Decision { get; init; }

    public int? DecidedAtLook { get; init; }

    [JsonIgnore] public string VariantJson { get; init; } = "{}";
    [JsonIgnore] public string RecipeJson { get; init; } = "{}";

    public JsonNode? Variant => JsonNode.Parse(VariantJson);
    public JsonNode? Recipe => JsonNode.Parse(RecipeJson);
}

/// <summary><c>GET /batches/{id}</c>: the batch, its arms, the submitted specification and where it stands.</summary>
/// <param name="RunsAhead">Queued runs of other batches that workers of this batch's device class take first (higher priority, or the same priority and submitted earlier); null when none of its runs is queued.</param>
public sealed record BatchDetail(BatchRecord Batch, IReadOnlyList<ArmRecord> Arms, JsonNode? Spec, BatchProgressEstimate Progress, SequentialProgress? Sequential,
    int? RunsAhead = null, FactorialDescription? Factorial = null);

/// <summary>
/// A sequential batch so far: its design, every look taken, and what stopping saved: the runs cancelled by
/// decisions and their device time at the mean run time of the batch.
/// </summary>
public sealed record SequentialProgress(JsonNode Design, IReadOnlyList<LookRecord> Looks, int RunsSaved, int RunsPlanned, double? DeviceSecondsSaved);

/// <summary>A running run: seconds since it started and the share of its training steps done (null before its first progress write).</summary>
public sealed record RunningRun(double Seconds, double? StepFraction);

/// <summary>
/// Progress in runs and an estimate of the time left: from the runs finished so far, or, before any has
/// finished, from the steps of the running ones (a run 30% through after 30 s takes about 100 s).
/// </summary>
public sealed record BatchProgressEstimate(double Fraction, double? MeanRunSeconds, double? SecondsLeft, int Parallelism, string? EstimatedFrom)
{
    /// <summary>Below this share of its steps a running run says too little about its length.</summary>
    private const double LeastStepFraction = 0.02;

    public static BatchProgressEstimate For(RunCounts counts, IReadOnlyList<double> finishedSeconds, IReadOnlyList<RunningRun> running)
    {
        var fraction = counts.Total == 0 ? 1 : (double)counts.Finished / counts.Total;
        var projected = running.Where(r => r.StepFraction >= LeastStepFraction).Select(r => r.Seconds / r.StepFraction!.Value).ToList();
        var (mean, source) = finishedSeconds.Count > 0 ? (finishedSeconds.Average(), "finished runs")
            : projected.Count > 0 ? (projected.Average(), "the steps of running runs")
            : (double.NaN, null);
        if (source is null)
            return new BatchProgressEstimate(fraction, null, null, running.Count, null);
        var parallel = Math.Max(1, running.Count);
        var work = counts.Queued * mean + running.Sum(r => r.StepFraction is >= LeastStepFraction and var f
            ? r.Seconds * (1 - f) / f
            : Math.Max(0, mean - r.Seconds));
        return new BatchProgressEstimate(fraction, mean, work / parallel, running.Count, source);
    }
}
