using Microsoft.Extensions.Options;
using Npgsql;
using Runner.Api.Workers;
using Runner.Core.Batches;

namespace Runner.Api.Batches;

/// <summary>
/// Every two seconds, the runs of workers lost by their heartbeats (<see cref="WorkersOptions.LostAfterSeconds"/>)
/// go back to the head of their queue (<see cref="BatchStore.ReleaseRunsOfLostWorkersAsync"/>), so a killed
/// worker's run is running again within seconds of the loss being seen, however long the queue behind it.
/// After the database was out of reach nothing is released until the workers have had <c>LostAfterSeconds</c> to
/// beat again: their heartbeats failed for the same reason, and they are not lost.
/// </summary>
public sealed class LostWorkerRepair(BatchStore store, NpgsqlDataSource db, IOptions<WorkersOptions> options, ILogger<LostWorkerRepair> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lostAfter = TimeSpan.FromSeconds(options.Value.LostAfterSeconds);
        var unreachableAt = DateTime.MinValue;
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (DateTime.UtcNow - unreachableAt < lostAfter)
                {
                    await using var ping = db.CreateCommand("select 1");
                    await ping.ExecuteScalarAsync(stoppingToken); // only to notice the database still out of reach
                    continue;
                }
                var released = await store.ReleaseRunsOfLostWorkersAsync(lostAfter, stoppingToken);
                if (released > 0)
                    logger.LogWarning("Released {Count} runs of lost workers (no heartbeat for {Seconds} s) to the head of their queues", released, options.Value.LostAfterSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                unreachableAt = DateTime.UtcNow;
                logger.LogWarning("Could not check for runs of lost workers: {Error}", e.Message);
            }
        }
    }
}
