namespace Runner.Core.Batches;

/// <summary>One epoch of one run of a batch.</summary>
public sealed record BatchEpoch
{
    public long BatchId { get; init; }
    public long RunId { get; init; }
    public string Arm { get; init; } = "";
    public long Seed { get; init; }
    public RunStatus Status { get; init; }
    public int Attempt { get; init; }
    public int Epoch { get; init; }
    public double TrainLoss { get; init; }
    public double TrainAccuracy { get; init; }
    public double TestAccuracy { get; init; }
    public double LearningRate { get; init; }
    public double EpochSeconds { get; init; }
    public double TrainingSeconds { get; init; }

    public Training.EpochMetrics ToMetrics(int epochs) =>
        new(Epoch, epochs, TrainLoss, TrainAccuracy, TestAccuracy, LearningRate, EpochSeconds, TrainingSeconds);
}
