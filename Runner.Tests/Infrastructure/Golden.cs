using Runner.Core.Conformance;
using Runner.Core.Training;
using TorchSharp;

namespace Runner.Tests.Infrastructure;

/// <summary>The golden trajectories of tools/reference in the repository, and their input images on the CPU from the shared copy.</summary>
public static class Golden
{
    public static readonly GoldenSet Set = new(Path.Combine(RepoPaths.Root, "Runner.Tests", "Golden", "cifar10-fast"));

    public static readonly Lazy<DeviceData> Data = new(() => new DeviceData(Set.Inputs(SharedCifar.Data.Value), torch.CPU));
}
