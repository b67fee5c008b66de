using Runner.Core.Statistics;
using Runner.Core.Validation;

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
    double? TargetDifference = null,
    double? Margin = null)
{
    public (IReadOnlyList<ArmSamples> Arms, AnalysisSettings Settings, Dictionary<string, string[]> Errors) Parse()
    {
        var errors = new Dictionary<string, string[]>();
        var arms = new List<ArmSamples>();
        if (Arms is null || Arms.Count == 0)
            errors["arms"] = ["Give at least one arm: {\"name\": ..., \"values\": [...]}."];
        else if (Arms.Count > AnalysisSettings.MaxArms)
            errors["arms"] = [$"{Arms.Count} arms is more than the limit of {AnalysisSettings.MaxArms}."];
        else
            for (var i = 0; i < Arms.Count; i++)
            {
                if (Arms[i] is not { } arm)
                {
                    errors[$"arms[{i}]"] = ["An arm is an object: {\"name\": ..., \"values\": [...]}."];
                    continue;
                }
                if (arm.Values is null)
                    errors[$"arms[{i}].values"] = ["An arm needs its values (null for a run without one)."];
                arms.Add(new ArmSamples(arm.Name ?? "", arm.Values ?? [], arm.Seeds, arm.Failed ?? 0, arm.Cancelled ?? 0));
            }
        if (errors.Count > 0)
            return (arms, new AnalysisSettings(), errors);

        var settings = new AnalysisSettings
        {
            Level = Level ?? AnalysisSettings.Default.Level,
            Power = Power ?? AnalysisSettings.Default.Power,
            PilotSd = PilotSd,
            TargetDifference = TargetDifference,
            Margin = Margin,
            Correction = JsonNames.Choose(Correction, "correction", errors, AnalysisSettings.Default.Correction, AnalysisNames.Corrections),
            Test = JsonNames.Choose(Test, "test", errors, AnalysisSettings.Default.Test, AnalysisNames.Tests),
            AllPairs = JsonNames.Choose(Compare, "compare", errors, false, AnalysisNames.Comparisons),
            Goal = JsonNames.Choose(Goal, "goal", errors, Core.Statistics.Goal.Maximize, AnalysisNames.Goals),
        };
        foreach (var (field, messages) in AblationAnalysis.Validate(arms, Baseline, settings))
            errors.TryAdd(field, messages);
        return (arms, settings, errors);
    }
}
