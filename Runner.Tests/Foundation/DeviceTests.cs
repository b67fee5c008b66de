using Runner.Core.Devices;
using Runner.Core.Hosting;

using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

[Collection(TorchCollection.Name)]
public sealed class DeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu", "cpu")]
    [InlineData(" CPU ", DeviceKind.Cpu, 0, "cpu", "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0", "gpu")]
    [InlineData("cuda:3", DeviceKind.Cuda, 3, "cuda:3", "gpu")]
    public void Device_names_parse_to_a_kind_an_index_and_a_queue(string text, DeviceKind kind, int index, string name, string queue)
    {
        var device = WorkerDevice.Parse(text, "--device");
        Assert.Equal((kind, index, name, queue), (device.Kind, device.Index, device.ToString(), device.Queue));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpu")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:one")]
    public void Other_device_names_are_configuration_errors_naming_the_setting(string text)
    {
        var error = Assert.Throws<StartupException>(() => WorkerDevice.Parse(text, "Worker:Device"));
        Assert.StartsWith($"Worker:Device is '{text}'", error.Message);
        Assert.Equal(StartupException.ConfigurationExitCode, error.ExitCode);
    }

    [Fact]
    public void The_CPU_is_described_with_the_library_versions_restored()
    {
        NativeTorch.EnsureAvailable(WorkerDevice.Cpu);
        var description = DeviceDescription.Describe(WorkerDevice.Cpu);

        Assert.Equal(("cpu", DeviceKind.Cpu, RestoredPackages.TorchSharp), (description.Device, description.Kind, description.TorchSharpVersion));
        Assert.Equal($"{RestoredPackages.LibTorchCpu} (libtorch-cpu-linux-x64)", description.LibTorchVersion);
        Assert.True(description.Threads > 0);
        Assert.Contains("logical cores", description.Name);
    }

    [Fact]
    public void The_matmul_probe_counts_two_n_cubed_flops_per_multiply()
    {
        var m = MatmulProbe.Run(WorkerDevice.Cpu, 128, 4, CancellationToken.None);
        Assert.Equal((128, 4), (m.MatrixSize, m.Repeats));
        Assert.Equal(2.0 * 128 * 128 * 128 * 4 / m.Seconds / 1e9, m.Gflops, 6);
    }

    [Fact]
    public void The_matmul_probe_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => MatmulProbe.Run(WorkerDevice.Cpu, 64, 1000, cancelled.Token));
    }

    [Fact]
    public void The_native_allocator_is_tuned_on_glibc()
    {
        NativeAllocator.Tune();
        Assert.True(NativeAllocator.Tuned);
    }
}
