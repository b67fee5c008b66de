using Runner.Core.Devices;
using Runner.Core.Queueing;

namespace Runner.Core.Workers;

/// <summary>Who this worker process is: fixed at start, registered in <c>workers</c>, stamped on what it runs.</summary>
public sealed record WorkerIdentity(Guid Id, string Name, string Host, int ProcessId, IReadOnlyList<string> Queues, WorkerDevice Device, DeviceDescription Description)
{
    public static WorkerIdentity ForThisProcess(WorkerDevice device, DeviceDescription description)
    {
        var host = Environment.MachineName;
        var pid = Environment.ProcessId;
        return new WorkerIdentity(Guid.NewGuid(), $"{device}@{host}:{pid}", host, pid, JobQueues.Served(device.Queue), device, description);
    }
}
