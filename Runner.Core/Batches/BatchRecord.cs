using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runner.Core.Factorial;
using Runner.Core.Queueing;
using Runner.Core.Statistics;

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
    public Correction Correction { get; init; }
    public UnpairedTest Test { get; init; }
    public string Queue { get; init; } = "";
    public Priority Priority { get; init; }
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

    /// <summary>
    /// The batch's own analysis settings for a metric: its level, correction and test, the metric's goal, and
    /// its equivalence margin when the metric is the batch's own (a margin is in that metric's units).
    /// </summary>
    public AnalysisSettings Settings(Metric metric) => AnalysisSettings.Default with
    {
        Level = Level,
        Margin = metric.Name == Metric ? Margin : null,
        Correction = Correction,
        Test = Test,
        Goal = metric.Goal,
    };
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
