using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>Everything the batch page shows, read from the store: the arms' analysis, or a factorial batch's effects instead.</summary>
public sealed record BatchPageModel(BatchDetail Detail, IReadOnlyList<RunRecord> Runs, BatchAnalysis? Analysis, Metric Metric, IReadOnlyList<EpochPoint> Epochs,
    FactorialBatchAnalysis? Factorial = null);
