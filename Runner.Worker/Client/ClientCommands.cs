using System.CommandLine;
using System.Security.Cryptography;
using System.Globalization;
using Runner.Core.Batches;
using Runner.Core.Hosting;
using Spectre.Console;

namespace Runner.Worker.Client;

/// <summary>
/// The terminal client: <c>submit</c> a batch file (idempotent per file content) and optionally watch it,
/// <c>status</c>, <c>analysis</c>, <c>runs</c>, <c>cancel</c>. The API address and key come from the options
/// or the environment (RUNNER_API_URL, RUNNER_API_KEY). Exit codes: 0 done, 1 runs failed, 2 the API refused
/// the input, 3 the API is unreachable or failed. Ctrl+C while watching stops the watching, never the batch.
/// </summary>
public static class ClientCommands
{
    public const int FailedRunsExitCode = 1;

    public static IEnumerable<Command> Build() => [Submit(), Status(), Analysis(), Runs(), Cancel(), Compare()];

    private static readonly Argument<long> Id = new("id") { Description = "Batch id" };

    private static Command Submit()
    {
        var file = new Argument<FileInfo>("spec") { Description = "A batch specification (JSON), as for POST /batches" };
        var watch = new Option<bool>("--watch") { Description = "Follow the batch with a progress bar per arm and print its analysis when done" };
        var command = new Command("submit", "Submit a batch file; a resubmitted file (same bytes) returns the same batch") { file, watch, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
                throw new StartupException($"There is no file {path.FullName}.", ApiClient.RefusedExitCode);
            var bytes = await File.ReadAllBytesAsync(path.FullName, ct);
            // The key is the file's content: a retried submission of the same file never makes a second batch.
            var key = $"file-{Convert.ToHexStringLower(SHA256.HashData(bytes))[..40]}";
            using var api = ApiClient.From(result);
            var created = (await api.SubmitAsync(System.Text.Encoding.UTF8.GetString(bytes), ct, key)).Batch;
            var id = created.Id;
            Console.WriteLine($"Batch {id} ({created.Name}): {created.Runs.Total} runs, {created.Status.Name()}. {api.BaseUrl}/ui/batches/{id}");
            return result.GetValue(watch) ? await WatchAsync(api, id, ct) : 0;
        });
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<long?>("id") { Description = "Batch id (default: the latest batches)", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch") { Description = "Follow the batch until it finishes" };
        var command = new Command("status", "A batch's progress, or the latest batches") { id, watch, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            if (result.GetValue(id) is not { } batchId)
            {
                var table = new Table().AddColumns("id", "name", "status", "finished", "created");
                foreach (var b in (await api.GetAsync<BatchList>("/batches?limit=20", ct)).Items)
                    table.AddRow(b.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(b.Name), b.Status.Name(),
                        $"{b.Runs.Finished}/{b.Runs.Total}", b.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
                AnsiConsole.Write(table);
                return 0;
            }
            if (result.GetValue(watch))
                return await WatchAsync(api, batchId, ct);
            var state = await api.BatchAsync(batchId, ct);
            Console.WriteLine($"Batch {batchId} ({state.Batch.Name}): {state.Line()}");
            return ExitCode(state.Batch);
        });
        return command;
    }

    private static Command Analysis()
    {
        var metric = new Option<string?>("--metric") { Description = "Metric (default: the batch's)" };
        var margin = new Option<double?>("--margin") { Description = "Equivalence margin in the metric's units" };
        var format = new Option<string>("--format") { Description = "text, json, csv (the runs) or effects (a factorial batch's effects as CSV)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "csv", "effects");
        var command = new Command("analysis", "A batch's analysis: summaries, tests against the baseline, verdicts; a factorial batch's effects") { Id, metric, margin, format, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var id = result.GetValue(Id);
            var query = string.Join("&", new[]
            {
                result.GetValue(metric) is { } m ? $"metric={Uri.EscapeDataString(m)}" : null,
                result.GetValue(margin) is { } d ? $"margin={d.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
            }.OfType<string>());
            var text = result.GetValue(format) switch
            {
                "json" => await api.GetTextAsync($"/batches/{id}/analysis?{query}", ct, "application/json"),
                "csv" => await api.GetTextAsync($"/batches/{id}/runs?format=csv", ct, "text/csv"),
                "effects" => await api.GetTextAsync($"/batches/{id}/analysis?{query}", ct, "text/csv"),
                _ => await api.GetTextAsync($"/batches/{id}/analysis?{query}", ct),
            };
            Console.WriteLine(text);
            return 0;
        });
        return command;
    }

    private static Command Compare()
    {
        var arms = new Argument<string[]>("arms") { Description = "Two or more arms as batch:arm (12:base 14:no-ema); the first is the baseline", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string?>("--metric") { Description = "Metric (default: test-accuracy)" };
        var margin = new Option<double?>("--margin") { Description = "Equivalence margin in the metric's units" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("compare", "Arms of different batches in one analysis, with what else differs between them (recipe, data, devices, libraries)")
            { arms, metric, margin, format, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var query = string.Join("&", new[]
            {
                $"arms={Uri.EscapeDataString(string.Join(",", result.GetValue(arms)!))}",
                result.GetValue(metric) is { } m ? $"metric={Uri.EscapeDataString(m)}" : null,
                result.GetValue(margin) is { } d ? $"margin={d.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
            }.OfType<string>());
            Console.WriteLine(result.GetValue(format) == "json"
                ? await api.GetTextAsync($"/compare?{query}", ct, "application/json")
                : await api.GetTextAsync($"/compare?{query}", ct));
            return 0;
        });
        return command;
    }

    private static Command Runs()
    {
        var csv = new Option<bool>("--csv") { Description = "A tidy CSV (one row per run) instead of JSON" };
        var command = new Command("runs", "A batch's runs") { Id, csv, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var id = result.GetValue(Id);
            Console.WriteLine(result.GetValue(csv)
                ? await api.GetTextAsync($"/batches/{id}/runs?format=csv", ct, "text/csv")
                : await api.GetTextAsync($"/batches/{id}/runs", ct, "application/json"));
            return 0;
        });
        return command;
    }

    private static Command Cancel()
    {
        var command = new Command("cancel", "Cancel a batch: queued runs are dropped, running ones stop, finished ones stay") { Id, ApiClient.ApiOption, ApiClient.KeyOption };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var state = await api.CancelAsync(result.GetValue(Id), ct);
            Console.WriteLine($"Batch {result.GetValue(Id)}: {state.Line()}");
            return 0;
        });
        return command;
    }

    private static async Task<int> WatchAsync(ApiClient api, long id, CancellationToken ct)
    {
        BatchRecord batch;
        try
        {
            batch = await BatchWatch.FollowAsync(api, id, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.WriteLine($"Stopped watching; batch {id} goes on ({api.BaseUrl}/ui/batches/{id}).");
            return 0;
        }
        Console.WriteLine();
        Console.WriteLine(await api.GetTextAsync($"/batches/{id}/analysis", CancellationToken.None));
        return ExitCode(batch);
    }

    private static int ExitCode(BatchRecord batch) => batch.Runs.Failed > 0 ? FailedRunsExitCode : 0;
}
