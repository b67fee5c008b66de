using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runner.Core.Telemetry;
using Runner.Core.Workers;

namespace Runner.Worker.Serve;

/// <summary>Registers the worker in <c>workers</c> at start, keeps its heartbeat fresh, and marks it stopped on a clean exit.</summary>
public sealed class WorkerHeartbeat(WorkerStore workers, WorkerIdentity identity, IOptions<WorkerOptions> options, ILogger<WorkerHeartbeat> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        await workers.RegisterAsync(identity, ct);
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

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await workers.MarkStoppedAsync(identity.Id, ct);
        logger.LogInformation("Worker {Name} stopped", identity.Name);
    }
}
