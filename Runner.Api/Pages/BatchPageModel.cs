using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>Everything the batch page shows, read from the store; a factorial batch's effects besides its arms' analysis.</summary>
public sealed record BatchPageModel(BatchDetail Detail, IReadOnlyList<RunRecord> Runs, BatchAnalysis Analysis, Metric Metric, IReadOnlyList<EpochPoint> Epochs,
    FactorialBatchAnalysis? Factorial = null);
