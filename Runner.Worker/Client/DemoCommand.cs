using System.CommandLine;
using System.Text.Json.Nodes;
using Runner.Core.Data;

namespace Runner.Worker.Client;

/// <summary>
/// `demo`: a small CPU-scale ablation through the running API (the final preset against it without EMA),
/// progress while it runs, the analysis table at the end.
/// </summary>
public static class DemoCommand
{
    public static Command Build()
    {
        var data = new Option<string?>("--data") { Description = "CIFAR-10 path on the worker (default: the cache, downloaded if missing; synthetic data if that fails)" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per arm", DefaultValueFactory = _ => 5 };
        var width = new Option<double>("--width") { Description = "Width multiplier", DefaultValueFactory = _ => 0.125 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run", DefaultValueFactory = _ => 2 };
        var subset = new Option<int>("--train-subset") { Description = "Training images per run", DefaultValueFactory = _ => 5000 };
        var command = new Command("demo", "Submit a small CPU-scale ablation (tta vs tta without EMA) to the API, follow it, and print its analysis.")
        {
            ApiClient.ApiOption, ApiClient.KeyOption, data, seeds, width, epochs, subset,
        };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var dataSetting = result.GetValue(data) ?? await DefaultData(ct);
            var spec = new JsonObject
            {
                ["name"] = "demo: tta vs tta without EMA",
                ["base"] = new JsonObject
                {
                    ["preset"] = "tta",
                    ["overrides"] = new JsonObject { ["width"] = result.GetValue(width), ["epochs"] = result.GetValue(epochs), ["trainSubset"] = result.GetValue(subset) },
                },
                ["leaveOneOut"] = new JsonArray("ema"),
                ["seeds"] = result.GetValue(seeds),
                ["queue"] = "cpu",
                ["data"] = dataSetting,
            };
            var created = await api.PostAsync("/batches", spec.ToJsonString(), ct);
            var id = created["batch"]!["id"]!.GetValue<long>();
            Console.WriteLine($"Batch {id} submitted: {created["batch"]!["runs"]!["total"]} runs. Follow it at {api.BaseUrl}/batches/{id} or {api.BaseUrl}/hangfire");

            var batch = await BatchWatch.FollowAsync(api, id, ct);
            Console.WriteLine();
            Console.WriteLine(await api.GetTextAsync($"/batches/{id}/analysis", ct));
            if (dataSetting?.StartsWith("synthetic", StringComparison.Ordinal) == true)
                Console.WriteLine("These runs used synthetic data: the numbers show the tool working, not anything about CIFAR-10.");
            else
                Console.WriteLine($"Settings: width {result.GetValue(width)}, {result.GetValue(epochs)} epochs on {result.GetValue(subset)} CIFAR-10 images. EMA is tuned for 97 steps per epoch; at this scale it averages over much of the run, so judge it against the same settings only.");
            return batch["status"]!.GetValue<string>() == "completed" ? 0 : 1;
        });
        return command;
    }

    /// <summary>null (the worker's CIFAR-10 cache) when CIFAR-10 is cached or can be downloaded; synthetic data, said plainly, otherwise.</summary>
    private static async Task<string?> DefaultData(CancellationToken ct)
    {
        if (Cifar10Loader.Resolve(Cifar10Loader.DefaultCacheFolder) is not null)
            return null;
        try
        {
            Console.WriteLine($"CIFAR-10 is not in {Cifar10Loader.DefaultCacheFolder}; downloading it…");
            await Cifar10Loader.LoadAsync(null, ct);
            return null;
        }
        catch (DatasetException e)
        {
            Console.WriteLine($"CIFAR-10 could not be found or downloaded ({e.Message.TrimEnd('.')}).");
            Console.WriteLine("Running the demo on SYNTHETIC data instead (pass --data PATH to use a CIFAR-10 copy).");
            return "synthetic:5000";
        }
    }
}
