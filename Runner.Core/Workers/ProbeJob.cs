using Hangfire;
using Microsoft.Extensions.Logging;
using Runner.Core.Devices;

namespace Runner.Core.Workers;

/// <summary>
/// The Hangfire job behind <c>POST /workers/probe</c>: a timed matrix multiply on the worker's device,
/// written back to <c>probes</c>. Enqueued by the API, resolved and run by a worker.
/// </summary>
public sealed class ProbeJob(ProbeStore probes, WorkerIdentity worker, ILogger<ProbeJob> logger)
{
    [AutomaticRetry(Attempts = 1)]
    [JobDisplayName("probe #{0}")]
    public async Task RunAsync(long probeId, int matrixSize, int repeats, CancellationToken ct)
    {
        if (!await probes.StartAsync(probeId, worker, ct))
        {
            logger.LogInformation("Probe {ProbeId} already has a result; skipping the re-delivered job", probeId);
            return;
        }
        try
        {
            var m = await Task.Run(() => MatmulProbe.Run(worker.Device, matrixSize, repeats, ct), ct);
            await probes.CompleteAsync(probeId, m, ct);
            logger.LogInformation("Probe {ProbeId} on {Device}: {Gflops:F1} GFLOP/s ({Size}x{Size} matmul x{Repeats} in {Seconds:F3} s)",
                probeId, worker.Device, m.Gflops, m.MatrixSize, m.MatrixSize, m.Repeats, m.Seconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutdown: Hangfire puts the job back on its queue
        }
        catch (Exception e)
        {
            await probes.FailAsync(probeId, e.Message, CancellationToken.None);
            throw;
        }
    }
}
