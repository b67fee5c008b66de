using System.CommandLine;
using System.Globalization;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Spectre.Console;

namespace Runner.Worker.Training;

/// <summary>
/// `bench`: (a) the training loop's throughput on this device, (b) the compute floor for the same
/// number of steps, their ratio, and (c) augmentation and batching of one epoch as a share of the epoch.
/// </summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var options = new TrainOptions();
        var command = new Command("bench", "Measure the training loop against its compute floor and the cost of augmentation on this device.");
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var (trained, description, data, seed) = await options.PrepareAsync(result, ct);
            using var _ = data;
            var recipe = trained with { Tta = false };

            // A warm-up run lets allocators and kernel choices settle before anything is timed.
            Trainer.Run(recipe with { Epochs = 1, Ema = false }, data, seed, description, ct: ct);
            var loop = Trainer.Run(recipe, data, seed, description, ct: ct);
            var images = loop.Steps * recipe.BatchSize;
            var loopSeconds = loop.Epochs.Sum(e => e.EpochSeconds);
            var floor = Benchmark.ComputeFloorSeconds(recipe, data, loop.Steps, seed);
            var augmentation = Benchmark.AugmentationSeconds(recipe.Network == Network.Airbench ? recipe : recipe with { GroupAugmentation = true }, data, seed);
            var epochCompute = floor / recipe.Epochs;

            var table = new Table().Border(TableBorder.Simple).AddColumns("measure", "value");
            void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
            Row("device", $"{description.Device} ({description.Name}), {description.Threads} threads, TorchSharp {description.TorchSharpVersion}, libtorch {description.LibTorchVersion}");
            Row("recipe", $"{RecipeJson.Hash(recipe)[..12]}: width {recipe.Width}, batch {recipe.BatchSize}, {recipe.Epochs} epochs of {data.TrainCount} images ({data.Source})");
            Row("(a) training loop", F($"{images / loopSeconds:F1} images/s ({loop.Steps} steps in {loopSeconds:F2} s, evaluation excluded)"));
            Row("(b) compute floor", F($"{images / floor:F1} images/s ({loop.Steps} steps in {floor:F2} s)"));
            Row("loop / floor", F($"{loopSeconds / floor:F3} (goal at most 1.10)"));
            Row("(c) augmentation + batching", F($"{augmentation:F3} s per epoch = {augmentation / epochCompute:P2} of an epoch's compute (goal at most 2%)"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
