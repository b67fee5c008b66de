namespace Runner.Core.Statistics;

public sealed record AnalysisResult(
    string? Metric,
    string Baseline,
    double Level,
    string Correction,
    string Test,
    string Goal,
    int RunsUsed,
    int RunsExcluded,
    IReadOnlyList<ArmResult> Arms,
    IReadOnlyList<ArmComparison> Comparisons,
    Planning Planning,
    IReadOnlyList<string> Notes);

public sealed record ArmResult(string Name, ArmSummary Summary, int Missing, int Failed, int Cancelled);

/// <summary>
/// Arm against another (the baseline unless all pairs were asked for): the chosen unpaired test, the
/// paired test where runs share seeds, the adjusted p-value of the unpaired test and the verdict it gives.
/// </summary>
public sealed record ArmComparison(
    string Arm,
    string Against,
    Comparison Test,
    Comparison? Paired,
    double? PAdjusted,
    string Verdict,
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

public static class Verdict
{
    public const string Better = "better";
    public const string Worse = "worse";
    public const string NoSignificantDifference = "no significant difference";
    public const string NotTested = "not tested";
}
