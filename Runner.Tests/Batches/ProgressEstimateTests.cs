using System.Text.Json;
using Runner.Core.Batches;
using Runner.Core.Validation;

namespace Runner.Tests.Batches;

/// <summary>The time left of a batch: from finished runs when there are some, from the steps of running runs before that.</summary>
public sealed class ProgressEstimateTests
{
    private static readonly RunCounts Counts = new() { Total = 5, Running = 1, Queued = 3, Succeeded = 1 };

    [Fact]
    public void Before_any_run_finishes_the_steps_of_the_running_run_give_the_estimate()
    {
        var estimate = BatchProgressEstimate.For(Counts with { Succeeded = 0, Queued = 4 }, [], [new RunningRun(30, 0.3)]);

        Assert.Equal(100, estimate.MeanRunSeconds!.Value, 9);
        Assert.Equal(4 * 100 + 70, estimate.SecondsLeft!.Value, 9);
        Assert.Equal(EstimateSource.RunningSteps, estimate.EstimatedFrom);
    }

    [Fact]
    public void Finished_runs_give_the_mean_once_there_are_some()
    {
        var estimate = BatchProgressEstimate.For(Counts, [80], [new RunningRun(30, 0.5)]);

        Assert.Equal(80, estimate.MeanRunSeconds!.Value, 9);
        Assert.Equal(3 * 80 + 30, estimate.SecondsLeft!.Value, 9); // the running run: 30 s more at its own pace
        Assert.Equal(EstimateSource.FinishedRuns, estimate.EstimatedFrom);
    }

    [Fact]
    public void Without_finished_runs_or_steps_there_is_no_estimate()
    {
        var estimate = BatchProgressEstimate.For(Counts with { Succeeded = 0, Queued = 4 }, [], [new RunningRun(3, null), new RunningRun(3, 0.001)]);

        Assert.Null(estimate.SecondsLeft);
        Assert.Null(estimate.EstimatedFrom);
    }

    [Fact]
    public void The_source_keeps_its_name_on_the_wire()
    {
        var api = JsonNames.Web;

        Assert.Contains("\"estimatedFrom\":\"the steps of running runs\"", JsonSerializer.Serialize(BatchProgressEstimate.For(Counts, [], [new RunningRun(30, 0.3)]), api));
        Assert.Contains("\"estimatedFrom\":\"finished runs\"", JsonSerializer.Serialize(BatchProgressEstimate.For(Counts, [80], []), api));
        Assert.Equal("airbench", JsonNames.Of(Runner.Core.Recipes.Normalisation.Airbench));
    }
}
