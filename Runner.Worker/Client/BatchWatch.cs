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

    public static async Task<BatchRecord> FollowAsync(ApiClient api, long id, CancellationToken ct)
    {
        var state = await api.BatchAsync(id, ct);
        if (Console.IsOutputRedirected)
        {
            RunCounts? last = null;
            while (!state.Finished)
            {
                if (state.Batch.Runs != last)
                    Console.WriteLine(state.Line());
                last = state.Batch.Runs;
                await Task.Delay(Every, ct);
                state = await api.BatchAsync(id, ct);
            }
            Console.WriteLine(state.Line());
            return state.Batch;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var overall = context.AddTask("batch", maxValue: state.Batch.Runs.Total);
                while (true)
                {
                    foreach (var arm in (await api.RunsAsync(id, ct)).GroupBy(r => r.Arm))
                    {
                        if (!tasks.TryGetValue(arm.Key, out var task))
                            tasks[arm.Key] = task = context.AddTask(Markup.Escape(arm.Key), maxValue: arm.Count());
                        task.Value = arm.Count(r => r.Status is not (RunStatus.Queued or RunStatus.Running));
                    }
                    overall.Value = state.Batch.Runs.Finished;
                    overall.Description = Markup.Escape(state.Line());
                    if (state.Finished)
                        break;
                    await Task.Delay(Every, ct);
                    state = await api.BatchAsync(id, ct);
                }
            });
        return state.Batch;
    }
}
