using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Core.Validation;

namespace Runner.Worker.Training;

/// <summary>`train`: one run, a line per epoch as it goes (batch progress with time left on a terminal), the result as JSON at the end.</summary>
public static class TrainCommand
{
    public static Command Build()
    {
        var options = new TrainOptions();
        var command = new Command("train", "Train one run of a recipe and print its per-epoch metrics and result.");
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var (recipe, description, data, seed) = await options.PrepareAsync(result, ct);
            using var _ = data;

            Console.Error.WriteLine($"recipe {RecipeJson.Hash(recipe)[..12]} on {description.Device} ({description.Name}), {description.Threads} threads, data: {data.Source}");
            Console.WriteLine("epoch  train loss  train acc  test acc  lr/example  epoch s  training s");
            var interactive = !Console.IsErrorRedirected;
            var outcome = Trainer.Run(recipe, data, seed, description,
                onEpoch: m =>
                {
                    if (interactive)
                        Console.Error.Write("\r" + new string(' ', 70) + "\r");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{m.Epoch,5}  {m.TrainLoss,10:F4}  {m.TrainAccuracy,9:P2}  {m.TestAccuracy,8:P2}  {m.LearningRate,10:F4}  {m.EpochSeconds,7:F1}  {m.TrainingSeconds,10:F1}"));
                },
                onStep: interactive ? p => Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\repoch {p.Epoch}  step {p.Step}/{p.TotalSteps}  {p.Elapsed:mm\\:ss} elapsed, {p.Remaining:mm\\:ss} left ")) : null,
                ct: ct);

            Console.WriteLine(JsonSerializer.Serialize(new { result = outcome, recipe }, new JsonSerializerOptions(RecipeJson.Options) { WriteIndented = true, Converters = { new FiniteDoubleConverter() } }));
            return 0;
        });
        return command;
    }
}
