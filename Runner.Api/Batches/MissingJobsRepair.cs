using Hangfire;
using Runner.Core.Batches;
using Runner.Core.Queueing;

namespace Runner.Api.Batches;

/// <summary>
/// A batch is stored in one transaction and its jobs are enqueued right after; if the API stops in
/// between, or someone deletes a queued run's job in the dashboard, the run would wait forever. This
/// sweep gives such runs a new job once they are a minute old.
/// </summary>
public sealed class MissingJobsRepair(BatchStore store, JobStorage storage, IConfiguration configuration, ILogger<MissingJobsRepair> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OlderThan = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                var repaired = await store.RepairMissingJobsAsync(OlderThan, QueueOptions.From(configuration).SchemaName,
                    runs => RunJobs.Enqueue(storage, runs), stoppingToken);
                if (repaired > 0)
                    logger.LogWarning("Enqueued {Count} queued runs that had no live job", repaired);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not check for runs without a job: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
