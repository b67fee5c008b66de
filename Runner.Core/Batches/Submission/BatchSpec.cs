using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Core.Factorial;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>An arm as submitted: tricks on/off and overrides on the base recipe, or a preset of its own.</summary>
public sealed record ArmSpec
{
    public string? Name { get; init; }
    public string? Preset { get; init; }
    public IReadOnlyList<string>? On { get; init; }
    public IReadOnlyList<string>? Off { get; init; }
    public JsonObject? Overrides { get; init; }
}

/// <summary>The analysis defaults stored with a batch; each can be changed per query.</summary>
public sealed record AnalysisSpec
{
    public double? Level { get; init; }

    /// <summary>Equivalence margin δ in the batch metric's units: comparisons also run TOST.</summary>
    public double? Margin { get; init; }
    public string? Correction { get; init; }
    public string? Test { get; init; }
}

/// <summary>A group-sequential batch: looks (a count spread evenly over the seeds, or seeds per arm at each look), α spending, equivalence margin.</summary>
public sealed record SequentialSpec
{
    public JsonNode? Looks { get; init; }
    public string? Spending { get; init; }
    public double? Margin { get; init; }

    /// <summary>Test at each look with the paired t-test (runs matched by seed) instead of the batch's unpaired one.</summary>
    public bool? Paired { get; init; }
}

/// <summary>
/// Body of <c>POST /batches</c>, exactly as submitted. <see cref="BatchPlanner"/> turns it into a
/// <see cref="BatchPlan"/> (every arm's recipe, the seeds, the run order) or into errors keyed by field.
/// </summary>
public sealed record BatchSpec
{
    public string? Name { get; init; }
    public ArmSpec? Base { get; init; }
    public IReadOnlyList<ArmSpec>? Arms { get; init; }

    /// <summary>Shortcut: one arm per listed trick, the base with that trick switched off ("no-TRICK").</summary>
    public IReadOnlyList<string>? LeaveOneOut { get; init; }

    /// <summary>Shortcut: one arm per listed trick, the base with that trick switched on ("with-TRICK").</summary>
    public IReadOnlyList<string>? AddOneIn { get; init; }

    /// <summary>Run the base recipe as an arm of its own (default true).</summary>
    public bool? IncludeBase { get; init; }

    /// <summary>The arm the others are compared with; default the base arm.</summary>
    public string? Baseline { get; init; }

    /// <summary>A count (seeds 0..n-1) or an explicit list; every arm runs the same seeds, so arms pair by seed.</summary>
    public JsonNode? Seeds { get; init; }

    public string? Metric { get; init; }
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Device class: gpu or cpu.</summary>
    public string? Queue { get; init; }

    /// <summary>high, normal or low.</summary>
    public string? Priority { get; init; }

    /// <summary>CIFAR-10 path on the workers, "synthetic" or "synthetic:N"; default the workers' cache.</summary>
    public string? Data { get; init; }

    /// <summary>Stop arms as soon as their answer is clear (see <see cref="SequentialSpec"/>); null runs every seed.</summary>
    public SequentialSpec? Sequential { get; init; }

    /// <summary>A two-level factorial design instead of arms: every configuration of its factors is an arm, every seed runs them all.</summary>
    public FactorialSpec? Factorial { get; init; }

    /// <summary>The specification, or the one problem that stops it being read (a field of the wrong type, an unknown field).</summary>
    public static (BatchSpec? Spec, Dictionary<string, string[]> Errors) Read(JsonNode? body) =>
        body is JsonObject
            ? JsonInput.Read<BatchSpec>(body, JsonInput.Strict, "a batch specification here")
            : (null, new() { ["body"] = ["Send the batch as a JSON object: {\"name\": ..., \"base\": {\"preset\": ...}, \"seeds\": ...}."] });
}
