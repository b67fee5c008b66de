using Runner.Core.Devices;

namespace Runner.Tests.Foundation;

/// <summary>The GPU-memory check that lets several workers share a GPU without one starving the others.</summary>
public sealed class GpuMemoryTests
{
    private const string TwoGpus = "81008, 81559\n2011, 81559\n";

    [Fact]
    public void Nvidia_smis_answer_is_read_per_gpu()
    {
        Assert.Equal((81008L, 81559L), GpuMemory.Parse(TwoGpus, 0));
        Assert.Equal((2011L, 81559L), GpuMemory.Parse(TwoGpus, 1));
        Assert.Null(GpuMemory.Parse(TwoGpus, 2));
        Assert.Null(GpuMemory.Parse("[N/A], 81559\n", 0));
    }

    [Fact]
    public void A_gpu_without_room_for_another_run_is_refused_in_one_sentence()
    {
        Assert.Null(GpuMemory.Problem((81008, 81559), 0, 4096));
        Assert.Equal("GPU 1 has 2011 MiB free of 81559 MiB but a worker needs 4096 MiB (Worker__GpuMemoryMiB): run fewer workers on it.",
            GpuMemory.Problem((2011, 81559), 1, 4096));
    }

    [Theory]
    [InlineData(0, null, 0)]
    [InlineData(0, "3,1", 3)]
    [InlineData(1, "3,1", 1)]
    [InlineData(1, "GPU-uuid", 1)]
    public void Cuda_indices_map_to_nvidia_smis_through_cuda_visible_devices(int cuda, string? visible, int physical) =>
        Assert.Equal(physical, GpuMemory.PhysicalIndex(cuda, visible));
}
