using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runner.Core.Batches;
using Runner.Core.Telemetry;
using Runner.Core.Workers;

namespace Runner.Worker.Serve;

/// <summary>Registers the worker in <c>workers</c> at start, keeps its heartbeat fresh, and marks it stopped on a clean exit.</summary>
public sealed class WorkerHeartbeat(WorkerStore workers, RunStore runs, WorkerIdentity identity, IOptions<WorkerOptions> options, ILogger<WorkerHeartbeat> logger)
    : BackgroundService
{
    /// <summary>Registers the worker, and releases its dead predecessors' runs before the Hangfire server (started after this) takes a job.</summary>
    public override async Task StartAsync(CancellationToken ct)
    {
        await workers.RegisterAsync(identity, ct);
        var released = await runs.ReleaseRunsOfDeadPredecessorsAsync(identity, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds),
            ProcessExists, ct);
        if (released > 0)
            logger.LogWarning("Released {Count} runs of dead workers that ran on this host before to the head of their queues", released);
        var d = identity.Description;
        logger.LogInformation("Worker {Name} registered: device {Device} ({DeviceName}), queues {Queues}, TorchSharp {TorchSharp}, libtorch {LibTorch}, {Threads} threads",
            identity.Name, d.Device, d.Name, string.Join(",", identity.Queues), d.TorchSharpVersion, d.LibTorchVersion, d.Threads);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await workers.HeartbeatAsync(identity.Id, stoppingToken))
                    RunnerMetrics.Heartbeats.Add(1);
                else
                    logger.LogWarning("Worker {Name} is no longer registered; its heartbeat was not recorded", identity.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database blip must not kill the worker; the next tick tries again.
                logger.LogWarning("Heartbeat of {Name} failed: {Error}", identity.Name, e.Message);
            }
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await workers.MarkStoppedAsync(identity.Id, ct);
        logger.LogInformation("Worker {Name} stopped", identity.Name);
    }
}
