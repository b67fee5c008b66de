using Runner.Core.Batches;

namespace Runner.Api.Batches;

/// <summary>
/// A batch's runs are stored with their jobs, but a job can still go away behind Runner's back (the
/// dashboard's Delete button, a manual clean-up), and the run would wait forever. This sweep gives such
/// runs a new job once they are a minute old.
/// </summary>
public sealed class MissingJobsRepair(BatchStore store, ILogger<MissingJobsRepair> logger) : BackgroundService
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
                var repaired = await store.RepairMissingJobsAsync(OlderThan, stoppingToken);
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
