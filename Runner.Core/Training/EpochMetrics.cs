namespace Runner.Core.Training;

/// <summary>
/// One epoch: training loss (mean per example) and accuracy on the augmented batches, test accuracy of the
/// evaluated model (the EMA one when on). Epoch seconds cover augmentation and training, not evaluation.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double TrainAccuracy,
    double TestAccuracy,
    double LearningRate,
    double EpochSeconds,
    double TrainingSeconds);

/// <summary>Where a run is within its training steps (mini-batches), for progress bars with the time left.</summary>
public sealed record StepProgress(int Epoch, long Step, long TotalSteps, TimeSpan Elapsed)
{
    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed / Step * (TotalSteps - Step);
}
