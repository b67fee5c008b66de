namespace Runner.Core.Statistics;

public enum Goal
{
    /// <summary>Higher is better (accuracy).</summary>
    Maximize,

    /// <summary>Lower is better (seconds, loss).</summary>
    Minimize,
}

/// <summary>How a set of arms is analysed. The defaults are the honest choices: Welch, Holm, 95%.</summary>
public sealed record AnalysisSettings
{
    // Beyond these bounds the quantiles and root searches stop meaning anything (a level of 1 − 1e-16
    // has an infinite interval; a power below α/2 is below the test's own false-positive rate).
    public const double MinLevel = 0.5;
    public const double MaxLevel = 0.9999;
    public const double MinPower = 0.5;
    public const double MaxPower = 0.9999;

    /// <summary>The largest magnitude of a value, a spread or a difference; squares of larger ones overflow sums.</summary>
    public const double MaxMagnitude = 1e12;

    /// <summary>The most arms in one analysis, and in one all-pairs analysis (n(n−1)/2 tests, each with a power search).</summary>
    public const int MaxArms = 200;
    public const int MaxAllPairsArms = 50;
    public const int MaxValuesPerArm = 10_000;

    /// <summary>The longest arm name, in an analysis and in a batch.</summary>
    public const int MaxArmNameLength = 100;

    /// <summary>The settings an analysis has when a request or batch gives none: the one place their defaults are written.</summary>
    public static readonly AnalysisSettings Default = new();

    public double Level { get; init; } = 0.95;
    public Correction Correction { get; init; } = Correction.Holm;
    public UnpairedTest Test { get; init; } = UnpairedTest.Welch;

    /// <summary>Compare every pair of arms instead of every arm with the baseline.</summary>
    public bool AllPairs { get; init; }

    public Goal Goal { get; init; } = Goal.Maximize;

    /// <summary>The power that planning aims for.</summary>
    public double Power { get; init; } = 0.8;

    /// <summary>A pilot estimate of the run-to-run standard deviation; otherwise the arms' pooled one is used.</summary>
    public double? PilotSd { get; init; }

    /// <summary>
    /// The equivalence margin δ, in the metric's units: each comparison also runs the two one-sided tests
    /// (TOST), and a comparison without a significant difference is "equivalent" within ±δ or "undecided".
    /// </summary>
    public double? Margin { get; init; }

    /// <summary>A difference worth detecting, in the metric's units; planning then says how many runs per arm it takes.</summary>
    public double? TargetDifference { get; init; }

    public double Alpha => 1 - Level;

    /// <summary>Adds an error for <paramref name="field"/> when <paramref name="level"/> is not a usable confidence level.</summary>
    public static void CheckLevel(double level, string field, IDictionary<string, string[]> errors)
    {
        if (!(level is >= MinLevel and <= MaxLevel))
            errors[field] = [$"{level} is not a usable confidence level; use {MinLevel} to {MaxLevel}, such as 0.95."];
    }
}
