using System.Diagnostics.Metrics;
using Runner.Core.Devices;

namespace Runner.Core.Telemetry;

/// <summary>
/// A worker's device memory, read when metrics are collected: a GPU's used and total memory as nvidia-smi reports them
/// (TorchSharp has no memory query; the figures are the whole GPU's, shared by the workers on it; asked at most every
/// 5 s), or on a CPU worker its own resident memory (libtorch's tensors included) and the memory available to it.
/// Where nvidia-smi does not answer, nothing is reported.
/// </summary>
public sealed class DeviceGauges
{
    private static readonly TimeSpan AskEvery = TimeSpan.FromSeconds(5);
    private const long MiB = 1 << 20;

    private readonly WorkerDevice _device;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Lock _gate = new();
    private (DateTime At, (long Used, long Limit)? Bytes) _last = (DateTime.MinValue, null);

    public DeviceGauges(IMeterFactory meters, WorkerDevice device)
    {
        (_device, _tag) = (device, new("device", device.ToString()));
        var meter = meters.Create(RunnerMetrics.MeterName);
        meter.CreateObservableGauge("runner.device.memory.usage", () => Measure(m => m.Used), "By",
            "Memory in use on the worker's device: the GPU's (all its processes), or the CPU worker's resident memory");
        meter.CreateObservableGauge("runner.device.memory.limit", () => Measure(m => m.Limit), "By",
            "Memory of the worker's device: the GPU's total, or what the CPU worker may use");
    }

    private IEnumerable<Measurement<long>> Measure(Func<(long Used, long Limit), long> part) =>
        Read() is { } bytes ? [new Measurement<long>(part(bytes), _tag)] : [];

    private (long Used, long Limit)? Read()
    {
        if (_device.Kind == DeviceKind.Cpu)
            return (Environment.WorkingSet, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        lock (_gate)
        {
            if (DateTime.UtcNow - _last.At > AskEvery)
            {
                var physical = GpuMemory.PhysicalIndex(_device.Index, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"));
                var memory = GpuMemory.Query() is { } answer ? GpuMemory.Parse(answer, physical) : null;
                _last = (DateTime.UtcNow, memory is { } m ? ((m.TotalMiB - m.FreeMiB) * MiB, m.TotalMiB * MiB) : null);
            }
            return _last.Bytes;
        }
    }
}
