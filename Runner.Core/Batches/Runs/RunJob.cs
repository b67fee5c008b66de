using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.Logging;
using Runner.Core.Recipes;
using Runner.Core.Telemetry;
using Runner.Core.Training;
using Runner.Core.Workers;

namespace Runner.Core.Batches;

/// <summary>
/// The Hangfire job of one run. Delivery is at least once (a job comes back after its worker dies), so
/// the job claims the run under a new attempt number and every write is fenced by it (<see cref="RunStore"/>):
/// the stored result is always that of one complete execution.
/// </summary>
public sealed class RunJob(RunStore runs, DeviceDatasetCache data, WorkerIdentity worker, ILogger<RunJob> logger)
{
    /// <summary>Retries of a transient failure (device lost, out of memory); deterministic failures get none.</summary>
    public const int TransientRetries = 2;

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    // The batch, arm and seed arguments only name the job in the dashboard; the run row is the truth.
    [AutomaticRetry(Attempts = TransientRetries, DelaysInSeconds = new[] { 10, 60 }, ExceptOn = new[] { typeof(DeterministicRunFailure) })]
    [JobDisplayName("{1} · {2} · seed {3}")]
    public async Task RunAsync(long runId, string batch, string arm, long seed, CancellationToken ct)
    {
        var (outcome, run) = await runs.ClaimAsync(runId, worker, ct);
        if (outcome == ClaimOutcome.GaveUp)
            throw new DeterministicRunFailure($"Run {runId}: its worker was lost {RunStore.MaxLostAttempts} times; marked failed.");
        if (run is null)
        {
            logger.LogInformation("Run {RunId} is already finished or cancelled; nothing to do for this delivery of its job", runId);
            return;
        }

        using var span = RunnerTraces.Source.StartActivity("run", ActivityKind.Consumer, run.TraceParent);
        span?.SetTag("runner.run.id", runId);
        span?.SetTag("runner.batch.id", run.BatchId);
        span?.SetTag("runner.arm", arm);
        span?.SetTag("runner.seed", seed);
        span?.SetTag("runner.run.attempt", run.Attempt);
        span?.SetTag("runner.device", worker.Device.ToString());
        var sinceStart = Stopwatch.StartNew();
        var device = new KeyValuePair<string, object?>("device", worker.Device.ToString());
        RunnerMetrics.RunsStarted.Add(1, device);
        if (run.Attempt > 1)
            RunnerMetrics.RunsRetried.Add(1, device);
        RunnerMetrics.QueueWait.Record((DateTime.UtcNow - run.QueuedAt).TotalSeconds, device);
        void Finished(RunStatus status)
        {
            var tag = new KeyValuePair<string, object?>("status", status.Name());
            span?.SetTag("runner.run.status", status.Name());
            RunnerMetrics.RunsFinished.Add(1, device, tag);
            RunnerMetrics.RunDuration.Record(sinceStart.Elapsed.TotalSeconds, device, tag);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var recipe = Recipe(run);
            var deviceData = await data.GetAsync(run.Data, recipe.Normalisation, stop.Token);
            if (Trainer.Problem(recipe, deviceData) is { } problem)
                throw new DeterministicRunFailure(problem);

            logger.LogInformation("Run {RunId} ({Batch} · {Arm} · seed {Seed}) attempt {Attempt} started on {Device}", runId, batch, arm, seed, run.Attempt, worker.Device);
            var progress = Stopwatch.StartNew();
            var result = Trainer.Run(recipe, deviceData, run.Seed, worker.Description,
                onEpoch: e =>
                {
                    if (!runs.RecordEpoch(run, e))
                        stop.Cancel();
                    span?.AddEvent(new ActivityEvent("epoch", tags: new ActivityTagsCollection
                        { ["runner.epoch"] = e.Epoch, ["runner.train_loss"] = e.TrainLoss, ["runner.test_accuracy"] = e.TestAccuracy }));
                    logger.LogInformation("Run {RunId} epoch {Epoch}/{Epochs}: train loss {Loss:F4}, train {TrainAccuracy:P2}, test {TestAccuracy:P2}, {Seconds:F1} s",
                        runId, e.Epoch, e.Epochs, e.TrainLoss, e.TrainAccuracy, e.TestAccuracy, e.EpochSeconds);
                },
                onStep: p =>
                {
                    if (p.Step > 1 && progress.Elapsed < ProgressEvery)
                        return;
                    progress.Restart();
                    if (!runs.RecordProgress(run, p.Step, p.TotalSteps, p.Step == 1 ? sinceStart.Elapsed.TotalSeconds : null))
                        stop.Cancel();
                },
                stop.Token);

            if (await runs.CompleteAsync(run, result))
            {
                Finished(RunStatus.Succeeded);
                logger.LogInformation("Run {RunId} succeeded: test {Accuracy:P2}{Tta}, {Seconds:F1} s training", runId, result.TestAccuracy,
                    result.TtaAccuracy is { } tta ? $", TTA {tta:P2}" : "", result.TrainingSeconds);
            }
            else
                logger.LogWarning("Run {RunId} attempt {Attempt} finished but no longer owns the run (cancelled or superseded); result discarded", runId, run.Attempt);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (await runs.StatusAsync(runId) is RunStatus.Cancelled)
            {
                Finished(RunStatus.Cancelled);
                logger.LogInformation("Run {RunId} stopped: its batch was cancelled", runId);
                return;
            }
            if (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Run {RunId} attempt {Attempt} stopped: another attempt owns the run now", runId, run.Attempt);
                return;
            }
            await runs.HandBackAsync(run);
            logger.LogInformation("Run {RunId} handed back for another worker (shutdown)", runId);
            throw; // Hangfire requeues the job
        }
        catch (DeterministicRunFailure e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            await runs.FailAsync(run, RunErrorKind.Deterministic, e.Message);
            Finished(RunStatus.Failed);
            logger.LogError("Run {RunId} failed: {Error}", runId, e.Message);
            throw;
        }
        catch (Exception e)
        {
            var error = $"{e.GetType().Name}: {e.Message}";
            span?.SetStatus(ActivityStatusCode.Error, error);
            if (await runs.TransientFailuresAsync(runId) >= TransientRetries)
            {
                await runs.FailAsync(run, RunErrorKind.Transient, error);
                Finished(RunStatus.Failed);
                logger.LogError(e, "Run {RunId} failed after {Retries} retries", runId, TransientRetries);
            }
            else
            {
                await runs.RetryLaterAsync(run, error);
                logger.LogWarning(e, "Run {RunId} attempt {Attempt} failed; Hangfire retries it", runId, run.Attempt);
            }
            throw;
        }
    }

    /// <summary>
    /// The stored recipe, read back directly: it was validated once, at submission, and its hash proves it is
    /// what was validated. Whether it can run on this device and data is <see cref="Trainer.Problem"/>'s question.
    /// </summary>
    private static Recipe Recipe(RunAssignment run)
    {
        if (RecipeJson.HashOf(run.RecipeJson) != run.RecipeHash)
            throw new DeterministicRunFailure($"The stored recipe does not match its hash {run.RecipeHash[..Math.Min(12, run.RecipeHash.Length)]}: it was changed after submission.");
        try
        {
            return RecipeJson.FromNode(JsonNode.Parse(run.RecipeJson)!);
        }
        catch (JsonException e)
        {
            throw new DeterministicRunFailure($"The stored recipe cannot be read: {e.Message}", e);
        }
    }
}
