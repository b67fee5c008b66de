namespace Runner.Core.Queueing;

/// <summary>One Hangfire queue per device class; a job's queue is stored with it, so retries return to it.</summary>
public static class JobQueues
{
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";

    public static readonly IReadOnlyList<string> All = [Gpu, Cpu];

    public static bool IsKnown(string? queue) => queue is Gpu or Cpu;
}
