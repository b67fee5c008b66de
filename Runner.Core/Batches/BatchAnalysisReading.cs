using Runner.Core.Statistics;

namespace Runner.Core.Batches;

/// <summary>
/// A batch's analysis of one metric as the API and the pages show it: its arms' comparisons, or a factorial batch's
/// effects; or, when the settings cannot be used on its runs, why (field → message).
/// </summary>
public sealed record BatchAnalysisReading(BatchAnalysis? Ablation, FactorialBatchAnalysis? Factorial, Dictionary<string, string[]>? Refused)
{
    /// <summary>The one load of a batch's analysis: its runs' values of the metric, validated once against the settings.</summary>
    public static async Task<BatchAnalysisReading> LoadAsync(BatchStore store, BatchRecord batch, Metric metric, AnalysisSettings settings, CancellationToken ct)
    {
        var samples = await store.SamplesAsync(batch.Id, metric, ct);
        if (batch.Design is { } design)
            return new(null, FactorialBatchAnalysis.For(batch, design, samples, metric, settings.Level, settings.Correction), null);
        if (AblationAnalysis.Validate(samples, batch.Baseline, settings) is { Count: > 0 } refused)
            return new(null, null, refused);
        return new(BatchAnalysis.For(batch, samples, settings, metric, await store.ProvenanceAsync(batch.Id, ct)), null, null);
    }
}
