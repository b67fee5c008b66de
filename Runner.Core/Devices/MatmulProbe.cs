using System.Diagnostics;
using TorchSharp;

namespace Runner.Core.Devices;

public sealed record ProbeMeasurement(int MatrixSize, int Repeats, double Seconds, double Gflops);

/// <summary>Times square fp32 matrix multiplies on a device: a quick check that the device computes, and how fast.</summary>
public static class MatmulProbe
{
    public static ProbeMeasurement Run(WorkerDevice device, int size, int repeats, CancellationToken ct)
    {
        using var scope = torch.NewDisposeScope();
        var target = device.ToTorch();
        var a = torch.randn(size, size, device: target);
        var b = torch.randn(size, size, device: target);
        torch.matmul(a, b).Dispose(); // first call pays for allocation and kernel selection
        Synchronize(device);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            ct.ThrowIfCancellationRequested();
            torch.matmul(a, b).Dispose();
        }
        Synchronize(device);
        var seconds = clock.Elapsed.TotalSeconds;
        return new ProbeMeasurement(size, repeats, seconds, 2.0 * size * size * size * repeats / seconds / 1e9);
    }

    private static void Synchronize(WorkerDevice device)
    {
        if (device.Kind == DeviceKind.Cuda)
            torch.cuda.synchronize(device.ToTorch());
    }
}
