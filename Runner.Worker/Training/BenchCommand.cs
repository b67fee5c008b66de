using System.CommandLine;
using MathNet.Numerics.Statistics;
using Runner.Core.Hosting;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Spectre.Console;
using static System.FormattableString;

namespace Runner.Worker.Training;

/// <summary>
/// `bench`: (a) the training loop's throughput on this device, (b) the compute floor for the same
/// number of steps, their ratio, and (c) augmentation and batching of one epoch as a share of the epoch.
/// </summary>
public static class BenchCommand
{
    private const int MaxRounds = 20;

    public static Command Build()
    {
        var options = new TrainOptions();
        // One timing of a few seconds varies by ±10% on a shared VM (docs/benchmarks.md), more than a 5% goal leaves:
        // rounds of loop-then-floor pair each loop with a floor measured moments later, and their median ratio is reported.
        var rounds = new Option<int>("--rounds") { Description = $"Rounds of loop then floor; the median ratio is reported (1 to {MaxRounds})", DefaultValueFactory = _ => 3 };
        var command = new Command("bench", "Measure the training loop against its compute floor and the cost of augmentation on this device.");
        options.AddTo(command);
        command.Options.Add(rounds);
        command.SetAction(async (result, ct) =>
        {
            var count = result.GetValue(rounds);
            if (count is < 1 or > MaxRounds)
                throw new StartupException($"--rounds is {count}; use 1 to {MaxRounds}.");
            var (trained, description, data, seed) = await options.PrepareAsync(result, ct);
            using var _ = data;
            var recipe = trained with { Tta = false };

            // A warm-up run lets allocators and kernel choices settle before anything is timed.
            Trainer.Run(recipe with { Epochs = 1, Ema = false }, data, seed, description, ct: ct);
            var measured = new List<(double Loop, double Floor)>();
            long steps = 0;
            for (var round = 1; round <= count; round++)
            {
                var loop = Trainer.Run(recipe, data, seed, description, ct: ct);
                steps = loop.Steps;
                measured.Add((loop.Epochs.Sum(e => e.EpochSeconds), Benchmark.ComputeFloorSeconds(recipe, data, loop.Steps, seed)));
                Console.Error.WriteLine(Invariant($"round {round}/{count}: loop {measured[^1].Loop:F2} s, floor {measured[^1].Floor:F2} s, ratio {measured[^1].Loop / measured[^1].Floor:F3}"));
            }
            var ratios = measured.Select(m => m.Loop / m.Floor).ToArray();
            var loopSeconds = measured.Select(m => m.Loop).Median();
            var floor = measured.Select(m => m.Floor).Median();
            var images = steps * recipe.BatchSize;
            var augmentation = Benchmark.AugmentationSeconds(recipe.Network == Network.Airbench ? recipe : recipe with { GroupAugmentation = true }, data, seed);
            var epochCompute = floor / recipe.Epochs;

            var table = new Table().Border(TableBorder.Simple).AddColumns("measure", "value");
            void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
            Row("device", $"{description.Device} ({description.Name}), {description.Threads} threads, TorchSharp {description.TorchSharpVersion}, libtorch {description.LibTorchVersion}");
            Row("recipe", $"{RecipeJson.Hash(recipe)[..12]}: width {recipe.Width}, batch {recipe.BatchSize}, {recipe.Epochs} epochs of {data.TrainCount} images ({data.Source})");
            Row("(a) training loop", Invariant($"{images / loopSeconds:F1} images/s ({steps} steps in {loopSeconds:F2} s, evaluation excluded; median of {count})"));
            Row("(b) compute floor", Invariant($"{images / floor:F1} images/s ({steps} steps in {floor:F2} s; median of {count})"));
            Row("loop / floor", Invariant($"{ratios.Median():F3}, median of {count} rounds (range {ratios.Min():F3} to {ratios.Max():F3})"));
            Row("(c) augmentation + batching", Invariant($"{augmentation:F3} s per epoch = {augmentation / epochCompute:P2} of an epoch's compute"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
