namespace Runner.Core.Statistics;

/// <summary>The names users give the analysis settings (in JSON and query strings), shared by every endpoint.</summary>
public static class AnalysisNames
{
    public static readonly IReadOnlyList<(string Name, Correction Value)> Corrections =
    [
        ("holm", Correction.Holm), ("benjamini-hochberg", Correction.BenjaminiHochberg), ("bh", Correction.BenjaminiHochberg),
        ("bonferroni", Correction.Bonferroni), ("none", Correction.None),
    ];

    public static readonly IReadOnlyList<(string Name, UnpairedTest Value)> Tests = [("welch", UnpairedTest.Welch), ("student", UnpairedTest.Student)];

    public static readonly IReadOnlyList<(string Name, bool Value)> Comparisons = [("baseline", false), ("all-pairs", true)];

    public static readonly IReadOnlyList<(string Name, Goal Value)> Goals = [("maximize", Goal.Maximize), ("minimize", Goal.Minimize)];

    public static readonly IReadOnlyList<(string Name, Spending Value)> Spendings = [("obrien-fleming", Spending.OBrienFleming), ("pocock", Spending.Pocock)];

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

    /// <summary>The value of a name known to be valid (one stored after validation).</summary>
    public static T ValueOf<T>(string name, IReadOnlyList<(string Name, T Value)> choices) =>
        choices.First(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static string NameOf<T>(T value, IReadOnlyList<(string Name, T Value)> choices) =>
        choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name;
}
