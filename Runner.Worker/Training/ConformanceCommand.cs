using System.CommandLine;
using Runner.Core.Conformance;
using Runner.Core.Data;
using Runner.Core.Devices;
using Runner.Core.Hosting;
using Runner.Core.Recipes;
using Runner.Core.Training;
using static System.FormattableString;

namespace Runner.Worker.Training;

/// <summary>
/// `conformance`: Runner's engine against the golden trajectories of the original's own training on this device
/// (docs/recipe.md, "Conformance"). In fp32 (TF32 off) every quantity must be within its bound, and a divergence
/// exits 1 naming the first; in fp16 (<c>--precision auto</c> on CUDA) the drift is reported without a bound.
/// </summary>
public static class ConformanceCommand
{
    public static Command Build()
    {
        var golden = new Option<string>("--golden") { Description = "Folder of golden trajectories", DefaultValueFactory = _ => Path.Combine("Runner.Tests", "Golden", "cifar10-fast") };
        var trajectory = new Option<string[]>("--trajectory") { Description = "Only these trajectories (default: all)", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string?>("--data") { Description = "The shared JPEG-derived CIFAR-10 the trajectories were made from: cifar-10-binary.tar.gz or cifar-10-batches-bin/ (default: the cache)" };
        var inputs = new Option<string?>("--inputs") { Description = "The trajectories' images alone, as --save-inputs writes them (instead of --data)" };
        var saveInputs = new Option<string?>("--save-inputs") { Description = "Write the trajectories' images from --data to this file (12.6 MB, to carry where the data set is not) and stop" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var freeRun = new Option<bool>("--free-run") { Description = "Only each trajectory's free run, without bounds: per-epoch losses and the test accuracy beside the original's (for a recorded end-to-end run, tools/reference/replay.py)" };
        var precision = new Option<Precision>("--precision") { Description = "fp32 (checked against the bounds), or auto: fp16 with fp32 batch norm on CUDA (drift reported)", DefaultValueFactory = _ => Precision.Fp32 };
        var command = new Command("conformance", "Check the training engine step for step against the original's golden trajectories on this device.")
        {
            golden, trajectory, data, inputs, saveInputs, device, precision, freeRun,
        };
        command.SetAction(async (result, ct) =>
        {
            var set = Open(result.GetValue(golden)!);
            if (result.GetValue(saveInputs) is { } target)
            {
                var loaded = await Load(result.GetValue(data), ct);
                set.SaveInputs(Checked(() => set.Inputs(loaded)), target);
                Console.WriteLine($"Wrote the {set.TrainImages:N0} training and {set.TestImages:N0} test images of the golden trajectories to {target}.");
                return 0;
            }
            var names = result.GetValue(trajectory) is { Length: > 0 } chosen ? chosen : set.Trajectories.ToArray();
            if (names.FirstOrDefault(n => !set.Trajectories.Contains(n)) is { } unknown)
                throw new StartupException($"--trajectory: '{unknown}' is not one of {string.Join(", ", set.Trajectories)}.");
            var onDevice = WorkerDevice.Parse(result.GetValue(device), "--device");
            NativeTorch.EnsureAvailable(onDevice);
            CudaNumerics.Apply(tf32: false);
            var half = result.GetValue(precision).On(cuda: onDevice.Kind == DeviceKind.Cuda) == Precision.Fp16;
            if (half && onDevice.Kind != DeviceKind.Cuda)
                throw new StartupException("--precision: fp16 needs a CUDA device; use fp32 on the CPU.");
            var file = result.GetValue(inputs);
            var loadedData = file is null ? await Load(result.GetValue(data), ct) : null;
            var cifar = Checked(() => file is not null ? set.LoadInputs(file) : set.Inputs(loadedData!));
            using var deviceData = new DeviceData(cifar, onDevice.ToTorch(), set.Normalisation);
            var description = DeviceDescription.Describe(onDevice);
            Console.WriteLine($"Conformance on {description.Device} ({description.Name}), {(half ? "fp16 with fp32 batch norm: drift, no bound" : "fp32")}, TorchSharp {description.TorchSharpVersion}, libtorch {description.LibTorchVersion}; golden: {set.Folder} (the original at {set.Manifest["source"]?["commit"]}, PyTorch {set.Manifest["torch"]}).");
            if (result.GetValue(freeRun))
            {
                foreach (var name in names)
                {
                    var replay = ConformanceChecks.Replayed(set.Trajectory(name), deviceData, half);
                    Console.WriteLine($"\n{name}, free run from the original's start and batches:");
                    foreach (var (epoch, (runner, original)) in replay.EpochLosses.Select((l, i) => (i + 1, l)))
                        Console.WriteLine(Invariant($"  epoch {epoch}: training loss {runner:F5} (original {original:F5})"));
                    Console.WriteLine(Invariant($"  test accuracy {replay.Accuracy:P2} (original {replay.OriginalAccuracy:P2})"));
                }
                return 0;
            }
            Divergence? failed = null;
            foreach (var check in ConformanceChecks.All(set, names, deviceData, half))
            {
                var largest = check.Rows.MaxBy(r => r.Relative)!;
                Console.WriteLine($"\n{check.Trajectory}, {check.Check}: {check.Rows.Count} quantities, largest relative difference {largest.Relative:E2} ({largest.Quantity}){(check.First is null ? "" : "; DIVERGES")}");
                Console.Write(check);
                failed ??= check.First is null ? null : check;
            }
            if (failed is not null && !half)
            {
                Console.Error.WriteLine(failed.Failure);
                return 1;
            }
            return 0;
        });
        return command;
    }

    private static GoldenSet Open(string folder)
    {
        try
        {
            return new GoldenSet(folder);
        }
        catch (FileNotFoundException e)
        {
            throw new StartupException($"--golden: {e.Message}");
        }
    }

    private static async Task<Cifar10> Load(string? path, CancellationToken ct)
    {
        try
        {
            return await Cifar10Loader.LoadAsync(path, ct);
        }
        catch (DatasetException e)
        {
            throw new StartupException(e.Message, StartupException.ConfigurationExitCode, e);
        }
    }

    private static T Checked<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is DatasetException or IOException)
        {
            throw new StartupException(e.Message, StartupException.ConfigurationExitCode, e);
        }
    }
}
