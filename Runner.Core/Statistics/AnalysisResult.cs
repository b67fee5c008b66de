using System.Text.Json.Serialization;

namespace Runner.Core.Statistics;

public sealed record AnalysisResult(
    string? Metric,
    string Baseline,
    double Level,
    string Correction,
    string Test,
    string Goal,
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
/// </summary>
public sealed record Planning(
    double? Sd,
    string SdSource,
    double Power,
    double Alpha,
    int? RunsPerArm,
    double? MinimumDetectableDifference,
    double? TargetDifference,
    double? RunsPerArmForTarget,
    string Summary);

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
    public static string Name(this Verdict verdict) => verdict switch
    {
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        Verdict.NoSignificantDifference => "no significant difference",
        Verdict.Equivalent => "equivalent",
        Verdict.Undecided => "undecided",
        _ => "not tested",
    };

    /// <summary>The verdict as a sentence part, with the margin where it matters ("equivalent within ±0.001").</summary>
    public static string Describe(this Verdict verdict, double? margin) =>
        verdict == Verdict.Equivalent && margin is { } m ? $"equivalent within ±{AblationAnalysis.Format(m)}" : verdict.Name();
}
