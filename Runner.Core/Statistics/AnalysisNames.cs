using Runner.Core.Validation;

namespace Runner.Core.Statistics;

/// <summary>
/// The names users may give the analysis settings (in JSON and query strings), shared by every endpoint: each
/// set's own names (<see cref="JsonNames"/>), with "bh" for Benjamini–Hochberg and the comparison's two names.
/// </summary>
public static class AnalysisNames
{
    public static readonly IReadOnlyList<(string Name, Correction Value)> Corrections = [.. JsonNames.All<Correction>(), ("bh", Correction.BenjaminiHochberg)];

    public static readonly IReadOnlyList<(string Name, UnpairedTest Value)> Tests = JsonNames.All<UnpairedTest>();

    public static readonly IReadOnlyList<(string Name, bool Value)> Comparisons = [("baseline", false), ("all-pairs", true)];

    public static readonly IReadOnlyList<(string Name, Goal Value)> Goals = JsonNames.All<Goal>();

    public static readonly IReadOnlyList<(string Name, Spending Value)> Spendings = JsonNames.All<Spending>();

    /// <summary>The value named by <paramref name="text"/>; an unknown name adds an error for <paramref name="field"/>.</summary>
    public static T Choose<T>(string? text, string field, IDictionary<string, string[]> errors, T fallback, IReadOnlyList<(string Name, T Value)> choices)
    {
        if (text is null)
            return fallback;
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                return value;
        errors[field] = [$"'{text}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}."];
        return fallback;
    }
}
