using System.Globalization;
using System.Text.Json.Serialization;
using Runner.Core.Validation;

namespace Runner.Core.Statistics;

public sealed record AnalysisResult(
    string? Metric,
    string Baseline,
    double Level,
    Correction Correction,
    UnpairedTest Test,
    Goal Goal,
    double? Margin,
    int RunsUsed,
    int RunsExcluded,
    IReadOnlyList<ArmResult> Arms,
    IReadOnlyList<ArmComparison> Comparisons,
    Planning Planning,
    IReadOnlyList<string> Notes);

public sealed record ArmResult(string Name, ArmSummary Summary, int Missing, int Failed, int Cancelled);

/// <summary>
/// Arm against another (the baseline unless all pairs were asked for): the chosen unpaired test, the
/// paired test where runs share seeds, the adjusted p-value of the unpaired test, with a margin the
/// equivalence test (TOST) and its adjusted p-value, and the verdict they give.
/// </summary>
public sealed record ArmComparison(
    string Arm,
    string Against,
    Comparison Test,
    Comparison? Paired,
    double? PAdjusted,
    Equivalence? Equivalence,
    double? EquivalencePAdjusted,
    Verdict Verdict,
    double? RunsPerArmToDetectObserved);

/// <summary>
/// What the spread allows: the smallest difference the current number of runs detects, and the runs
/// per arm a target difference needs, at the planning level (α/m under family-wise corrections).
/// <see cref="Summary"/> is <see cref="Describe"/> with plain numbers.
/// </summary>
public sealed record Planning(
    double? Sd,
    string SdSource,
    double Power,
    double Alpha,
    int? RunsPerArm,
    double? MinimumDetectableDifference,
    double? TargetDifference,
    double? RunsPerArmForTarget)
{
    public string Summary => Describe(AblationAnalysis.Format);

    /// <summary>The planning note with each amount of the metric written by <paramref name="amount"/> (plain numbers, or a page's points and seconds).</summary>
    public string Describe(Func<double, string> amount)
    {
        if (Sd is not { } sd || sd <= 0)
            return "No run-to-run spread is known yet (an arm needs 2 runs with different values, or give a pilot sd), so nothing can be planned.";
        var power = (Power * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        var parts = new List<string> { $"Run-to-run sd {amount(sd)} ({SdSource})." };
        if (MinimumDetectableDifference is { } detectable)
            parts.Add($"With {RunsPerArm} runs per arm, a difference of {amount(detectable)} is detected with {power} power at α = {AblationAnalysis.Format(Alpha)}.");
        if (TargetDifference is { } target)
            parts.Add(RunsPerArmForTarget is { } n
                ? $"Detecting {amount(Math.Abs(target))} with {power} power needs {Math.Ceiling(n):0} runs per arm."
                : $"Detecting {amount(Math.Abs(target))} with {power} power needs more than ten million runs per arm.");
        return string.Join(" ", parts);
    }
}

/// <summary>What a comparison shows (JSON: its words, "no significant difference").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    [JsonStringEnumMemberName("better")] Better,
    [JsonStringEnumMemberName("worse")] Worse,
    [JsonStringEnumMemberName("no significant difference")] NoSignificantDifference,

    /// <summary>With a margin: the difference lies within ±δ (TOST).</summary>
    [JsonStringEnumMemberName("equivalent")] Equivalent,

    /// <summary>With a margin: neither a difference nor equivalence is shown yet.</summary>
    [JsonStringEnumMemberName("undecided")] Undecided,
    [JsonStringEnumMemberName("not tested")] NotTested,
}

public static class Verdicts
{
    /// <summary>The verdict's words: "no significant difference".</summary>
    public static string Name(this Verdict verdict) => JsonNames.Of(verdict);

    /// <summary>The verdict as a sentence part, with the margin where it matters ("equivalent within ±0.001").</summary>
    public static string Describe(this Verdict verdict, double? margin) =>
        verdict == Verdict.Equivalent && margin is { } m ? $"equivalent within ±{AblationAnalysis.Format(m)}" : verdict.Name();
}
