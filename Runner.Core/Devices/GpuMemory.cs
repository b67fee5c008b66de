using System.Diagnostics;
using System.Globalization;

namespace Runner.Core.Devices;

/// <summary>
/// The GPU-memory check at a CUDA worker's start: several worker processes may share one GPU (one run
/// each; determinism needs one job per process), and each needs room for a run. TorchSharp has no memory
/// query, so the check asks nvidia-smi; where that is missing the worker says so and goes on.
/// </summary>
public static class GpuMemory
{
    /// <summary>Free and total MiB of one GPU from <c>nvidia-smi --query-gpu=memory.free,memory.total --format=csv,noheader,nounits</c>.</summary>
    public static (long FreeMiB, long TotalMiB)? Parse(string output, int index)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (index >= lines.Length)
            return null;
        var fields = lines[index].Split(',', StringSplitOptions.TrimEntries);
        return fields.Length == 2 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var free)
               && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            ? (free, total)
            : null;
    }

    /// <summary>nvidia-smi numbers GPUs physically; CUDA renumbers the ones CUDA_VISIBLE_DEVICES lists.</summary>
    public static int PhysicalIndex(int cudaIndex, string? visibleDevices) =>
        visibleDevices?.Split(',', StringSplitOptions.TrimEntries) is { } ids && cudaIndex < ids.Length && int.TryParse(ids[cudaIndex], out var physical)
            ? physical
            : cudaIndex;

    /// <summary>Why this worker should not start on the GPU, in one sentence; null when there is room.</summary>
    public static string? Problem((long FreeMiB, long TotalMiB) memory, int index, long neededMiB) =>
        memory.FreeMiB < neededMiB
            ? $"GPU {index} has {memory.FreeMiB} MiB free of {memory.TotalMiB} MiB but a worker needs {neededMiB} MiB (Worker__GpuMemoryMiB): run fewer workers on it."
            : null;

    /// <summary>nvidia-smi's answer for all GPUs, or null when it cannot be run.</summary>
    public static string? Query()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", ["--query-gpu=memory.free,memory.total", "--format=csv,noheader,nounits"])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
