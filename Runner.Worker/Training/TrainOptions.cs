using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Core.Data;
using Runner.Core.Devices;
using Runner.Core.Hosting;
using Runner.Core.Recipes;
using Runner.Core.Training;

namespace Runner.Worker.Training;

/// <summary>The options `train` and `bench` share: what to train (preset, tricks, overrides), where, and on what data.</summary>
public sealed class TrainOptions
{
    public readonly Option<string> Preset = new("--preset") { Description = "Preset (stage of the reference table)", DefaultValueFactory = _ => "tta" };
    public readonly Option<string[]> On = new("--on") { Description = "Tricks to switch on", AllowMultipleArgumentsPerToken = true };
    public readonly Option<string[]> Off = new("--off") { Description = "Tricks to switch off", AllowMultipleArgumentsPerToken = true };
    public readonly Option<string[]> Set = new("--set") { Description = "Recipe field overrides, name=value (e.g. --set epochs=2 --set width=0.25)" };
    public readonly Option<long> Seed = new("--seed") { Description = "Seed of initialisation, data order and augmentation", DefaultValueFactory = _ => 0 };
    public readonly Option<string> Device = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public readonly Option<string?> Data = new("--data") { Description = "CIFAR-10: cifar-10-binary.tar.gz or cifar-10-batches-bin/ (default: the cache, downloaded if missing)" };
    public readonly Option<int?> Synthetic = new("--synthetic") { Description = "Train on N synthetic images instead of CIFAR-10 (for smoke tests)" };
    public readonly Option<int> Threads = new("--threads") { Description = "libtorch CPU threads (0: libtorch's default)", DefaultValueFactory = _ => 0 };
    public readonly Option<bool> Tf32 = new("--tf32") { Description = "TensorFloat-32 for fp32 matrix products and convolutions on CUDA (off by default, as Worker__Tf32)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Preset, On, Off, Set, Seed, Device, Data, Synthetic, Threads, Tf32 })
            command.Options.Add(option);
    }

    private Recipe Recipe(ParseResult result)
    {
        var overrides = new JsonObject();
        foreach (var assignment in result.GetValue(Set) ?? [])
        {
            var parts = assignment.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new StartupException($"--set '{assignment}' is not name=value.");
            overrides[parts[0]] = ParseValue(parts[1]);
        }
        var variant = new Variant(result.GetValue(Preset)!, result.GetValue(On), result.GetValue(Off), overrides);
        var (recipe, errors) = variant.Build();
        if (recipe is null)
            throw new StartupException(string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        return recipe;
    }

    /// <summary>A run's parts from the command line: the recipe, the device with its description, the data on it, the seed.</summary>
    public async Task<(Recipe Recipe, DeviceDescription Device, DeviceData Data, long Seed)> PrepareAsync(ParseResult result, CancellationToken ct)
    {
        var recipe = Recipe(result);
        var device = TargetDevice(result);
        var cifar = (await LoadData(result, ct)).WithTrainSubset(recipe.TrainSubset);
        var data = new DeviceData(cifar, device.ToTorch(), recipe.Normalisation);
        if (Trainer.Problem(recipe, data) is { } problem)
        {
            data.Dispose();
            throw new StartupException(problem);
        }
        return (recipe, DeviceDescription.Describe(device), data, result.GetValue(Seed));
    }

    private WorkerDevice TargetDevice(ParseResult result)
    {
        var device = WorkerDevice.Parse(result.GetValue(Device), "--device");
        NativeTorch.EnsureAvailable(device);
        // libtorch's own default turns TF32 on for cuDNN's convolutions; a worker turns it off (CudaNumerics).
        CudaNumerics.Apply(result.GetValue(Tf32));
        if (result.GetValue(Threads) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        return device;
    }

    private async Task<Cifar10> LoadData(ParseResult result, CancellationToken ct)
    {
        if (result.GetValue(Synthetic) is { } n)
            return SyntheticCifar.Generate(n, Math.Max(n / 5, 100));
        try
        {
            return await Cifar10Loader.LoadAsync(result.GetValue(Data), ct);
        }
        catch (DatasetException e)
        {
            throw new StartupException(e.Message, StartupException.ConfigurationExitCode, e);
        }
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
