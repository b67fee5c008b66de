using Runner.Core.Conformance;
using Runner.Core.Training;
using TorchSharp;

namespace Runner.Tests.Infrastructure;

/// <summary>The golden trajectories of tools/reference in the repository, and their input images on the CPU from the shared copy.</summary>
public static class Golden
{
    public static readonly GoldenSet Set = Open("cifar10-fast");

    public static readonly GoldenSet Airbench = Open("airbench94");

    public static readonly IReadOnlyList<GoldenSet> Sets = [Set, Airbench];

    private static readonly Dictionary<GoldenSet, Lazy<DeviceData>> Inputs = Sets.ToDictionary(s => s, s =>
        new Lazy<DeviceData>(() => new DeviceData(s.Inputs(SharedCifar.Data.Value), torch.CPU, s.Normalisation)));

    /// <summary>Every trajectory's name (unique across the sets).</summary>
    public static IEnumerable<string> Trajectories => Sets.SelectMany(s => s.Trajectories);

    public static GoldenSet SetOf(string trajectory) => Sets.Single(s => s.Trajectories.Contains(trajectory));

    public static GoldenTrajectory Trajectory(string name) => SetOf(name).Trajectory(name);

    /// <summary>The trajectory's inputs, normalised as its recipe says.</summary>
    public static DeviceData DataOf(string trajectory) => Inputs[SetOf(trajectory)].Value;

    private static GoldenSet Open(string name) => new(Path.Combine(RepoPaths.Root, "Runner.Tests", "Golden", name));
}
