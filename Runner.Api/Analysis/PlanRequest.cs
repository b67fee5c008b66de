using System.Text.Json.Nodes;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Api.Analysis;

/// <summary>
/// Body of <c>POST /analysis/plan</c>: seeds per arm for a difference, or the difference n seeds resolve. With
/// <see cref="Looks"/> (and a difference) also a group-sequential design: a number of looks sizes one (the most
/// seeds per arm for the power), a list of seeds per arm at each look (as a batch's <c>sequential.looks</c>)
/// evaluates that one; either way with its boundaries, power and expected seeds at true differences 0, δ/2 and δ.
/// </summary>
public sealed record PlanRequest(double? Sd, double? Difference = null, int? RunsPerArm = null, double? Power = null, double? Level = null, int? Comparisons = null,
    JsonNode? Looks = null, string? Spending = null)
{
    public const int MaxRunsPerArm = 1_000_000;
    public const int MaxComparisons = 10_000;

    /// <summary>The number of equally spaced looks asked for, or null.</summary>
    internal int? LookCount() => Looks is JsonValue v && v.TryGetValue<int>(out var k) ? k : null;

    /// <summary>The seeds per arm at each look asked for, or null (also when an entry is not a whole number).</summary>
    internal IReadOnlyList<int>? SeedsAtLooks() => Looks is JsonArray list && list.All(n => n is JsonValue v && v.TryGetValue<int>(out _))
        ? list.Select(n => n!.GetValue<int>()).ToList()
        : null;

    /// <summary>The spending asked for, or the default; a name that is none adds an error.</summary>
    internal Spending SpendingOf(IDictionary<string, string[]> errors) =>
        JsonNames.Choose(Spending, "spending", errors, SequentialDesign.DefaultSpending, AnalysisNames.Spendings);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Sd is not { } sd || !(sd > 0 && sd <= AnalysisSettings.MaxMagnitude))
            errors["sd"] = [$"Give the run-to-run standard deviation (a pilot estimate), a positive number up to {AnalysisSettings.MaxMagnitude:G}."];
        if (Difference is { } d && !(d != 0 && Math.Abs(d) <= AnalysisSettings.MaxMagnitude))
            errors["difference"] = [$"A difference must be a non-zero number within ±{AnalysisSettings.MaxMagnitude:G}."];
        if (RunsPerArm is < 2 or > MaxRunsPerArm)
            errors["runsPerArm"] = [$"Use 2 to {MaxRunsPerArm} runs per arm."];
        if (Difference is null && RunsPerArm is null)
            errors["difference"] = ["Give a difference to plan for, runsPerArm to see what it resolves, or both."];
        if (Power is { } power && !(power is >= AnalysisSettings.MinPower and <= AnalysisSettings.MaxPower))
            errors["power"] = [$"{Power} is not a usable power; use {AnalysisSettings.MinPower} to {AnalysisSettings.MaxPower}."];
        if (Level is { } level)
            AnalysisSettings.CheckLevel(level, "level", errors);
        if (Comparisons is < 1 or > MaxComparisons)
            errors["comparisons"] = [$"Use 1 to {MaxComparisons} comparisons."];
        if (Looks is not null && !(LookCount() is >= 1 and <= SequentialDesign.MaxLooks
                                   || SeedsAtLooks() is { } seeds && SequentialDesign.AreLooks(seeds) && seeds[^1] <= MaxRunsPerArm))
            errors["looks"] = [$"Give a number of looks, 1 to {SequentialDesign.MaxLooks}, or the seeds per arm at each look (at most {SequentialDesign.MaxLooks}, increasing from at least 2 up to {MaxRunsPerArm}), e.g. [10, 20, 30, 40, 50]."];
        else if (Looks is not null && Difference is null)
            errors["difference"] = ["A sequential design is sized for a difference; give one."];
        SpendingOf(errors);
        return errors;
    }
}

/// <summary>Planning at α = (1 − level) / comparisons, the first step of Holm's procedure.</summary>
public sealed record PlanResult(double Sd, double Power, double Alpha, double? Difference, double? RunsPerArmNeeded, int? RunsPerArm,
    double? PowerAtRunsPerArm, double? MinimumDetectableDifference, SequentialPlan? Sequential)
{
    public static PlanResult For(PlanRequest r)
    {
        var (sd, power, level, comparisons) = (r.Sd!.Value, r.Power ?? AnalysisSettings.Default.Power, r.Level ?? AnalysisSettings.Default.Level, r.Comparisons ?? 1);
        var alpha = (1 - level) / comparisons;
        var spending = r.SpendingOf(new Dictionary<string, string[]>());
        return new PlanResult(sd, power, alpha, r.Difference,
            r.Difference is { } d ? PowerAnalysis.RunsPerArm(d, sd, alpha, power) : null,
            r.RunsPerArm,
            r.RunsPerArm is { } n && r.Difference is { } diff ? PowerAnalysis.Power(n, diff, sd, alpha) : null,
            r.RunsPerArm is { } m ? PowerAnalysis.MinimumDetectableDifference(m, sd, alpha, power) : null,
            r.Difference is not { } delta ? null
                : r.LookCount() is { } looks ? SequentialPlanning.For(sd, delta, power, 1 - level, comparisons, looks, spending)
                : r.SeedsAtLooks() is { } seeds ? SequentialPlanning.At(sd, delta, power, 1 - level, comparisons, seeds, spending)
                : null);
    }
}
