namespace Runner.Core.Workers;

/// <summary>A worker process as registered, with its status derived from the heartbeat age.</summary>
public sealed record WorkerRecord
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Host { get; init; } = "";
    public int ProcessId { get; init; }
    public string[] Queues { get; init; } = [];
    public string DeviceKind { get; init; } = "";
    public string Device { get; init; } = "";
    public string DeviceName { get; init; } = "";
    public bool CudaAvailable { get; init; }
    public string TorchsharpVersion { get; init; } = "";
    public string LibtorchVersion { get; init; } = "";
    public int Threads { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime HeartbeatAt { get; init; }
    public DateTime? StoppedAt { get; init; }
    public double HeartbeatAgeSeconds { get; init; }
    public string Status { get; init; } = "";
}
