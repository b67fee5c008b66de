using System.Diagnostics;
using TorchSharp;

namespace Runner.Core.Devices;

/// <summary>What a worker's device and its numerical libraries are; stored with every result for reproducibility.</summary>
public sealed record DeviceDescription(
    string Device,
    DeviceKind Kind,
    string Name,
    bool CudaAvailable,
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads)
{
    public static DeviceDescription Describe(WorkerDevice device) => new(
        device.ToString(),
        device.Kind,
        device.Kind == DeviceKind.Cpu ? CpuName() : GpuName(device.Index),
        torch.cuda.is_available(),
        TorchVersions.TorchSharp(),
        TorchVersions.LibTorch(),
        torch.get_num_threads());

    private static string CpuName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        var model = File.Exists(cpuinfo)
            ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString()} ({Environment.ProcessorCount} logical cores)";
    }

    private static string GpuName(int index)
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi", $"--query-gpu=name,memory.total --format=csv,noheader --id={index}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (smi is not null && smi.WaitForExit(5000) && smi.ExitCode == 0)
                return smi.StandardOutput.ReadToEnd().Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // nvidia-smi is not on PATH inside some images; the index still identifies the GPU.
        }
        return $"CUDA device {index}";
    }
}
