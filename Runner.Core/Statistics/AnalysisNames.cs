using Runner.Core.Validation;

namespace Runner.Core.Statistics;

/// <summary>
/// The names users may give the analysis settings (in JSON and query strings, read by <see cref="JsonNames.Choose{T}"/>), shared by every endpoint: each
/// set's own names (<see cref="JsonNames"/>), with "bh" for Benjamini–Hochberg and the comparison's two names.
/// </summary>
public static class AnalysisNames
{
    public static readonly IReadOnlyList<(string Name, Correction Value)> Corrections = [.. JsonNames.All<Correction>(), ("bh", Correction.BenjaminiHochberg)];

    public static readonly IReadOnlyList<(string Name, UnpairedTest Value)> Tests = JsonNames.All<UnpairedTest>();

    public static readonly IReadOnlyList<(string Name, bool Value)> Comparisons = [("baseline", false), ("all-pairs", true)];

    public static readonly IReadOnlyList<(string Name, Goal Value)> Goals = JsonNames.All<Goal>();

    public static readonly IReadOnlyList<(string Name, Spending Value)> Spendings = JsonNames.All<Spending>();
}
