namespace Runner.Core.Workers;

public static class WorkerStatus
{
    public const string Alive = "alive";
    public const string Lost = "lost";
    public const string Stopped = "stopped";

    public static readonly IReadOnlyList<string> All = [Alive, Lost, Stopped];
}
