using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Core.Batches;
using Spectre.Console;

namespace Runner.Worker.Client;

/// <summary>
/// Follows a batch until it finishes: on a terminal a progress bar per arm, otherwise a line whenever the
/// counts change. Cancelling the token stops the watching only; the batch goes on.
/// </summary>
public static class BatchWatch
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    public static async Task<JsonNode> FollowAsync(ApiClient api, long id, CancellationToken ct)
    {
        JsonNode detail = await api.GetAsync($"/batches/{id}", ct);
        if (Console.IsOutputRedirected)
        {
            var last = "";
            while (!Finished(detail))
            {
                var counts = detail["batch"]!["runs"]!.ToJsonString();
                if (counts != last)
                    Console.WriteLine(Line(detail));
                last = counts;
                await Task.Delay(Every, ct);
                detail = await api.GetAsync($"/batches/{id}", ct);
            }
            Console.WriteLine(Line(detail));
            return detail["batch"]!;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var overall = context.AddTask("batch", maxValue: detail["batch"]!["runs"]!["total"]!.GetValue<int>());
                while (true)
                {
                    foreach (var arm in (await api.GetAsync($"/batches/{id}/runs", ct)).AsArray().GroupBy(r => r!["arm"]!.GetValue<string>()))
                    {
                        if (!tasks.TryGetValue(arm.Key, out var task))
                            tasks[arm.Key] = task = context.AddTask(Markup.Escape(arm.Key), maxValue: arm.Count());
                        task.Value = arm.Count(r => r!["status"]!.GetValue<string>() is not ("queued" or "running"));
                    }
                    overall.Value = detail["batch"]!["runs"]!["finished"]!.GetValue<int>();
                    overall.Description = Markup.Escape(Line(detail));
                    if (Finished(detail))
                        break;
                    await Task.Delay(Every, ct);
                    detail = await api.GetAsync($"/batches/{id}", ct);
                }
            });
        return detail["batch"]!;
    }

    public static bool Finished(JsonNode detail) => Statuses.BatchStatusNamed(detail["batch"]!["status"]!.GetValue<string>())?.IsActive() != true;

    public static string Line(JsonNode detail)
    {
        var runs = detail["batch"]!["runs"]!;
        var left = detail["progress"]!["secondsLeft"]?.GetValue<double>() is { } s ? $", about {TimeSpan.FromSeconds(Math.Round(s)):g} left" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{detail["batch"]!["status"]}: {runs["succeeded"]} done, {runs["running"]} running, {runs["queued"]} queued, {runs["failed"]} failed, {runs["cancelled"]} cancelled{left}");
    }
}
