using Runner.Core.Validation;

namespace Runner.Core.Queueing;

/// <summary>
/// One Hangfire queue per device class and priority; a job's queue is stored with it, so retries return
/// to it. Hangfire.PostgreSql serves a worker's waiting jobs by queue name, then job id (its fetch orders by
/// fetched-at, never-fetched first, then queue, then job id), so the priority is spelled into the name:
/// <c>gpu-1-high</c> before <c>gpu-2-normal</c> before <c>gpu-3-low</c>.
/// The bare class queue (probes) sorts first of all.
/// </summary>
public static class JobQueues
{
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";

    public static readonly IReadOnlyList<string> All = [Gpu, Cpu];

    /// <summary>The priorities' stored names, in the order served.</summary>
    public static readonly string[] PriorityNames = [.. Enum.GetValues<Priority>().Select(p => JsonNames.Of(p))];

    /// <summary>The priority of a batch that names none.</summary>
    public const Priority DefaultPriority = Priority.Normal;

    public static bool IsKnown(string? queue) => queue is Gpu or Cpu;

    public static string ForPriority(string deviceClass, Priority priority) =>
        $"{deviceClass}-{(int)priority + 1}-{JsonNames.Of(priority)}";

    /// <summary>Every queue a worker of the device class serves, in the order they are served.</summary>
    public static IReadOnlyList<string> Served(string deviceClass) =>
        [deviceClass, .. Enum.GetValues<Priority>().Select(p => ForPriority(deviceClass, p))];
}
