using Runner.Core.Statistics;

namespace Runner.Api.Analysis;

public sealed record ArmRequest(string? Name, IReadOnlyList<double?>? Values, IReadOnlyList<long>? Seeds = null, int? Failed = null, int? Cancelled = null);

/// <summary>
/// Body of <c>POST /analysis</c>: arms with their values (null for a run without a value) and, for
/// paired tests, their seeds; every setting is optional and has the honest default.
/// </summary>
public sealed record AnalysisRequest(
    IReadOnlyList<ArmRequest>? Arms,
    string? Metric = null,
    string? Baseline = null,
    double? Level = null,
    string? Correction = null,
    string? Test = null,
    string? Compare = null,
    string? Goal = null,
    double? Power = null,
    double? PilotSd = null,
    double? TargetDifference = null)
{
    public (IReadOnlyList<ArmSamples> Arms, AnalysisSettings Settings, Dictionary<string, string[]> Errors) Parse()
    {
        var errors = new Dictionary<string, string[]>();
        var arms = new List<ArmSamples>();
        if (Arms is null || Arms.Count == 0)
            errors["arms"] = ["Give at least one arm: {\"name\": ..., \"values\": [...]}."];
        else
            for (var i = 0; i < Arms.Count; i++)
            {
                if (Arms[i].Values is null)
                    errors[$"arms[{i}].values"] = ["An arm needs its values (null for a run without one)."];
                arms.Add(new ArmSamples(Arms[i].Name ?? "", Arms[i].Values ?? [], Arms[i].Seeds, Arms[i].Failed ?? 0, Arms[i].Cancelled ?? 0));
            }

        var settings = new AnalysisSettings
        {
            Level = Level ?? 0.95,
            Power = Power ?? 0.8,
            PilotSd = PilotSd,
            TargetDifference = TargetDifference,
            Correction = Choose(Correction, "correction", errors, Core.Statistics.Correction.Holm,
                ("holm", Core.Statistics.Correction.Holm), ("benjamini-hochberg", Core.Statistics.Correction.BenjaminiHochberg),
                ("bh", Core.Statistics.Correction.BenjaminiHochberg), ("bonferroni", Core.Statistics.Correction.Bonferroni), ("none", Core.Statistics.Correction.None)),
            Test = Choose(Test, "test", errors, UnpairedTest.Welch, ("welch", UnpairedTest.Welch), ("student", UnpairedTest.Student)),
            AllPairs = Choose(Compare, "compare", errors, false, ("baseline", false), ("all-pairs", true)),
            Goal = Choose(Goal, "goal", errors, Core.Statistics.Goal.Maximize, ("maximize", Core.Statistics.Goal.Maximize), ("minimize", Core.Statistics.Goal.Minimize)),
        };
        foreach (var (field, messages) in AblationAnalysis.Validate(arms, Baseline, settings))
            errors.TryAdd(field, messages);
        return (arms, settings, errors);
    }

    private static T Choose<T>(string? text, string field, Dictionary<string, string[]> errors, T fallback, params (string Name, T Value)[] choices)
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
