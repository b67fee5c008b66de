namespace Runner.Core.Workers;

public sealed record ProbeRecord
{
    public long Id { get; init; }
    public string Queue { get; init; } = "";
    public string? JobId { get; init; }
    public string Status { get; init; } = "";
    public DateTime RequestedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public Guid? WorkerId { get; init; }
    public string? Device { get; init; }
    public string? DeviceName { get; init; }
    public int? MatrixSize { get; init; }
    public int? Repeats { get; init; }
    public double? Seconds { get; init; }
    public double? Gflops { get; init; }
    public string? Error { get; init; }
}
