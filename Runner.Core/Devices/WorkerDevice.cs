using System.Globalization;
using Runner.Core.Hosting;
using Runner.Core.Queueing;
using TorchSharp;

namespace Runner.Core.Devices;

/// <summary>The one device a worker process owns: <c>cpu</c>, or <c>cuda:N</c> for GPU N.</summary>
public sealed record WorkerDevice(DeviceKind Kind, int Index)
{
    public static readonly WorkerDevice Cpu = new(DeviceKind.Cpu, 0);

    /// <summary>Accepts <c>cpu</c>, <c>cuda</c> (GPU 0) and <c>cuda:N</c>; anything else is a configuration error.</summary>
    public static WorkerDevice Parse(string? text, string settingName)
    {
        var value = (text ?? "").Trim().ToLowerInvariant();
        if (value == "cpu")
            return Cpu;
        if (value == "cuda")
            return new WorkerDevice(DeviceKind.Cuda, 0);
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value["cuda:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return new WorkerDevice(DeviceKind.Cuda, index);
        throw new StartupException($"{settingName} is '{text}'; use 'cpu', 'cuda' or 'cuda:N' (N = GPU index).");
    }

    /// <summary>The Hangfire queue of this device's class: every GPU worker serves <c>gpu</c>, CPU workers <c>cpu</c>.</summary>
    public string Queue => Kind == DeviceKind.Cpu ? JobQueues.Cpu : JobQueues.Gpu;

    public torch.Device ToTorch() => Kind == DeviceKind.Cpu ? torch.CPU : torch.device(DeviceType.CUDA, Index);

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Index}";
}
