using System.Text.Json.Nodes;
using Runner.Core.Recipes;
using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary>One arm of a comparison across batches: where it came from and what it ran on.</summary>
public sealed record ComparedArm(string Label, long BatchId, string Batch, string Arm, string RecipeHash, string? Data, IReadOnlyList<string> Devices, IReadOnlyList<string> Libraries)
{
    [System.Text.Json.Serialization.JsonIgnore] public JsonNode? Recipe { get; init; }
}

/// <summary>A comparison with what its page draws besides the analysis: each arm's epochs and its runs' values by seed.</summary>
public sealed record CrossBatchReading(
    CrossBatchComparison Comparison, IReadOnlyList<EpochPoint> Epochs, IReadOnlyDictionary<string, IReadOnlyList<(long Seed, double Value)>> Values);

/// <summary>
/// <c>GET /compare?arms=12:base,14:base</c>: arms of different batches analysed together (the first is the
/// baseline), with a warning for every way they differ besides what they were meant to differ in: recipes,
/// data, devices and library versions. Runs of different batches share a seed's initialisation and data order
/// when their recipes and data agree, so the paired test applies to seeds both have.
/// </summary>
public sealed record CrossBatchComparison(string Metric, IReadOnlyList<ComparedArm> Arms, IReadOnlyList<string> Warnings, AnalysisResult Analysis)
{
    /// <summary>Reads the arms' runs and epochs; the error names the first arm that does not exist.</summary>
    public static async Task<(CrossBatchReading? Reading, string? Error)> LoadAsync(
        BatchStore store, IReadOnlyList<ArmReference> references, Metric metric, AnalysisSettings settings, CancellationToken ct)
    {
        var arms = new List<ComparedArm>();
        var samples = new List<ArmSamples>();
        var epochs = new List<EpochPoint>();
        var values = new Dictionary<string, IReadOnlyList<(long Seed, double Value)>>();
        foreach (var batchArms in references.GroupBy(r => r.BatchId))
        {
            if (await store.DetailAsync(batchArms.Key, ct) is not { } detail)
                return (null, $"There is no batch {batchArms.Key}.");
            var batchEpochs = await store.EpochsAsync(batchArms.Key, ct);
            foreach (var reference in batchArms)
            {
                if (detail.Arms.FirstOrDefault(a => a.Name == reference.Arm) is not { } arm)
                    return (null, $"Batch {reference.BatchId} has no arm '{reference.Arm}'.");
                var runs = await store.RunsAsync(reference.BatchId, reference.Arm, null, ct);
                var succeeded = runs.Where(r => r.Status == RunStatus.Succeeded).ToList();
                samples.Add(new ArmSamples(reference.Label, succeeded.Select(r => r.Value(metric)).ToList(), succeeded.Select(r => r.Seed).ToList(),
                    runs.Count(r => r.Status == RunStatus.Failed), runs.Count(r => r.Status == RunStatus.Cancelled)));
                values[reference.Label] = succeeded.Where(r => r.Value(metric) is { } v && double.IsFinite(v)).Select(r => (r.Seed, r.Value(metric)!.Value)).ToList();
                arms.Add(new ComparedArm(reference.Label, detail.Batch.Id, detail.Batch.Name, arm.Name, arm.RecipeHash, detail.Batch.Data,
                    succeeded.Select(r => (r.DeviceName is null ? r.Device : $"{r.Device} ({r.DeviceName})") + (r.Precision is not { } precision ? "" : $", {precision.Name()}")).OfType<string>().Distinct().Order().ToList(),
                    succeeded.Where(r => r.TorchsharpVersion is not null).Select(r => $"TorchSharp {r.TorchsharpVersion}, libtorch {r.LibtorchVersion}").Distinct().Order().ToList())
                    { Recipe = arm.Recipe });
                epochs.AddRange(batchEpochs.Where(e => e.Arm == arm.Name).Select(e => e with { Arm = reference.Label }));
            }
        }
        // Arms in the order they were named, the first the baseline.
        var order = references.Select(r => r.Label).ToList();
        arms = arms.OrderBy(a => order.IndexOf(a.Label)).ToList();
        samples = samples.OrderBy(s => order.IndexOf(s.Name)).ToList();
        var analysis = AblationAnalysis.Analyze(samples, order[0], settings, metric.Name);
        return (new CrossBatchReading(new CrossBatchComparison(metric.Name, arms, Differences(arms), analysis), epochs, values), null);
    }

    /// <summary>Every way the arms differ from the first besides nothing: recipe fields, data, devices, libraries.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<ComparedArm> arms)
    {
        var warnings = new List<string>();
        var baseline = arms[0];
        foreach (var arm in arms.Skip(1))
        {
            var changes = RecipeDiff.Between(baseline.Recipe, arm.Recipe);
            if (changes.Count > 0)
                warnings.Add($"Recipes differ: {arm.Label} against {baseline.Label}: {string.Join("; ", changes)}.");
        }
        if (arms.Select(a => a.Data ?? "").Distinct().Count() > 1)
            warnings.Add($"Data differ: {string.Join("; ", arms.Select(a => $"{a.Label} on {a.Data ?? "the workers' CIFAR-10"}"))}.");
        if (arms.Select(a => string.Join(", ", a.Devices)).Distinct().Count() > 1)
            warnings.Add($"Devices or precisions differ: {string.Join("; ", arms.Select(a => $"{a.Label} on {(a.Devices.Count == 0 ? "no finished run" : string.Join(", ", a.Devices))}"))}.");
        if (arms.Select(a => string.Join(", ", a.Libraries)).Distinct().Count() > 1)
            warnings.Add($"Library versions differ: {string.Join("; ", arms.Select(a => $"{a.Label} with {(a.Libraries.Count == 0 ? "none recorded" : string.Join(" and ", a.Libraries))}"))}.");
        return warnings;
    }
}
