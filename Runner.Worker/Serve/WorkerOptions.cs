namespace Runner.Worker.Serve;

/// <summary>Section <c>Worker</c> (environment: <c>Worker__Device</c>, …).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; one worker process per device.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Intra-op threads for libtorch on the CPU; 0 keeps libtorch's default (one per core).</summary>
    public int Threads { get; set; }

    /// <summary>TensorFloat-32 for fp32 matrix products and convolutions on CUDA (Worker__Tf32); recorded on every CUDA run.</summary>
    public bool Tf32 { get; set; }

    /// <summary>
    /// GPU memory one worker needs, checked at start on CUDA (Worker__GpuMemoryMiB): several workers can share a
    /// GPU, each running one run (the full ResNet-9 at batch 512 in fp16 takes well under 4 GiB).
    /// </summary>
    public int GpuMemoryMiB { get; set; } = 4096;

    /// <summary>How often the worker records that it is alive; the API takes it for lost after Workers__LostAfterSeconds without one.</summary>
    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>
    /// A port on which the worker serves its OpenTelemetry metrics to Prometheus at <c>http://localhost:PORT/metrics</c>
    /// (loopback only; Worker__MetricsPort); 0, the default, serves none.
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>How long a stopping worker lets its job react to cancellation before the job is handed back.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}
