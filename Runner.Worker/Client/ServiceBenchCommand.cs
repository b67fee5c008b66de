using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MathNet.Numerics.Statistics;
using Npgsql;
using Runner.Core.Batches;
using Runner.Core.Hosting;
using Spectre.Console;

namespace Runner.Worker.Client;

/// <summary>
/// `bench-service`: the service's latencies against a running API and an idle CPU worker: POST /batches
/// for 50 and 1,000 runs, enqueue to job start, per-run overhead back to back, and the analysis of 10 arms × 50 runs.
/// </summary>
public static class ServiceBenchCommand
{
    private const string TinyBase = """{"preset": "tta", "overrides": {"width": 0.125, "epochs": 1, "batchSize": 64, "trainSubset": 256}}""";

    public static Command Build()
    {
        var connection = new Option<string?>("--connection")
        {
            Description = "The API's database (default: ConnectionStrings__Runner); the analysis benchmark writes its fixture results there",
        };
        var repeats = new Option<int>("--repeats") { Description = "Measurements per benchmark", DefaultValueFactory = _ => 20 };
        var command = new Command("bench-service", "Measure the service: submission latency, enqueue-to-start, per-run overhead, analysis latency. Use a database of its own.")
        {
            ApiClient.ApiOption, ApiClient.KeyOption, connection, repeats,
        };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var n = result.GetValue(repeats);
            var cs = result.GetValue(connection) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Runner")
                ?? throw new StartupException("Give --connection (or ConnectionStrings__Runner): the analysis benchmark stores its fixture results there.");

            var table = new Table().AddColumns("benchmark", "n", "median", "p95", "max", "goal");
            void Row(string name, IReadOnlyList<double> seconds, string unit, double scale, string goal) =>
                table.AddRow(new Text(name), new Text(seconds.Count.ToString(CultureInfo.InvariantCulture)),
                    new Text(Format(seconds.QuantileCustom(0.5, QuantileDefinition.R7) * scale, unit)), new Text(Format(seconds.QuantileCustom(0.95, QuantileDefinition.R7) * scale, unit)),
                    new Text(Format(seconds.Max() * scale, unit)), new Text(goal));

            Console.Error.WriteLine("POST /batches with 50 and 1,000 runs…");
            Row("POST /batches, 50 runs", (await SubmitLatency(api, n, arms: 5, seeds: 10, ct)).Submit, "ms", 1000, "p95 < 50 ms");
            var (submit, cancel) = await SubmitLatency(api, Math.Max(3, n / 4), arms: 10, seeds: 100, ct);
            Row("POST /batches, 1,000 runs", submit, "ms", 1000, "< 500 ms");
            Row("DELETE /batches/{id}, 1,000 queued runs", cancel, "ms", 1000, "< 200 ms");
            Console.Error.WriteLine("enqueue to start on an idle worker…");
            Row("enqueue → job start (idle worker)", await EnqueueToStart(api, n, ct), "ms", 1000, "< 1 s");
            Console.Error.WriteLine("back-to-back runs…");
            var (firstStep, gaps) = await BackToBack(api, n, ct);
            Row("job start → first step done (data loaded)", firstStep, "ms", 1000, "< 0.5 s");
            Row("run finished → next run started", gaps, "ms", 1000, "");
            Console.Error.WriteLine("analysis of 10 arms × 50 runs…");
            Row("GET /batches/{id}/analysis, 10 × 50", await AnalysisLatency(api, cs, Math.Max(n, 50), ct), "ms", 1000, "< 20 ms");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Submissions of a batch, each cancelled at once: the latencies of both.</summary>
    private static async Task<(List<double> Submit, List<double> Cancel)> SubmitLatency(ApiClient api, int n, int arms, int seeds, CancellationToken ct)
    {
        // Queued on gpu at low priority and cancelled at once: a worker never gets to run them on a CPU-only machine.
        var spec = $$"""{"name": "bench-submit", "base": {{TinyBase}}, "arms": [{{MomentumArms(arms - 1)}}], "seeds": {{seeds}}, "queue": "gpu", "priority": "low"}""";
        await api.CancelAsync((await api.SubmitAsync(spec, ct)).Batch.Id, ct); // warm-up
        var (submit, cancel) = (new List<double>(), new List<double>());
        for (var i = 0; i < n; i++)
        {
            var clock = Stopwatch.StartNew();
            var created = await api.SubmitAsync(spec, ct);
            submit.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            await api.CancelAsync(created.Batch.Id, ct);
            cancel.Add(clock.Elapsed.TotalSeconds);
        }
        return (submit, cancel);
    }

    private static async Task<List<double>> EnqueueToStart(ApiClient api, int n, CancellationToken ct)
    {
        var spec = $$"""{"name": "bench-start", "base": {{TinyBase}}, "seeds": 1, "queue": "cpu", "data": "synthetic:256"}""";
        var seconds = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var id = (await api.SubmitAsync(spec, ct)).Batch.Id;
            var run = (await WaitFinished(api, id, ct))[0];
            seconds.Add((run.StartedAt!.Value - run.QueuedAt).TotalSeconds);
            await Task.Delay(200, ct); // the worker is idle again, waiting on the queue
        }
        return seconds;
    }

    private static async Task<(List<double> FirstStep, List<double> Gaps)> BackToBack(ApiClient api, int n, CancellationToken ct)
    {
        var spec = $$"""{"name": "bench-back-to-back", "base": {{TinyBase}}, "seeds": {{n + 1}}, "queue": "cpu", "data": "synthetic:256"}""";
        var id = (await api.SubmitAsync(spec, ct)).Batch.Id;
        var runs = (await WaitFinished(api, id, ct)).OrderBy(r => r.StartedAt).ToList();
        var firstStep = runs.Skip(1).Select(r => r.FirstStepSeconds!.Value).ToList();
        var gaps = runs.Zip(runs.Skip(1), (a, b) => (b.StartedAt!.Value - a.FinishedAt!.Value).TotalSeconds).ToList();
        return (firstStep, gaps);
    }

    private static async Task<List<double>> AnalysisLatency(ApiClient api, string connectionString, int n, CancellationToken ct)
    {
        var spec = $$"""{"name": "bench-analysis", "base": {{TinyBase}}, "arms": [{{MomentumArms(9)}}], "seeds": 50, "queue": "gpu", "priority": "low"}""";
        var id = (await api.SubmitAsync(spec, ct)).Batch.Id;
        await api.CancelAsync(id, ct);

        // Fixture: every run finished with an accuracy around 0.94 (seed spread 0.0015, arm effects up to 0.2 points).
        await using (var db = new NpgsqlConnection(connectionString))
        {
            await db.OpenAsync(ct);
            await using var fixture = new NpgsqlCommand("""
                update runs r set status = 'succeeded', finished_at = now(),
                    test_accuracy = 0.94 + (a.position - 5) * 0.0002 + 0.0015 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())
                from arms a where a.id = r.arm_id and r.batch_id = @id
                """, db);
            fixture.Parameters.AddWithValue("id", id);
            await fixture.ExecuteNonQueryAsync(ct);
        }

        await api.GetAsync<BatchAnalysis>($"/batches/{id}/analysis", ct); // warm-up
        var seconds = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var clock = Stopwatch.StartNew();
            var analysis = await api.GetAsync<BatchAnalysis>($"/batches/{id}/analysis", ct);
            seconds.Add(clock.Elapsed.TotalSeconds);
            if (analysis.RunsUsed != 500)
                throw new StartupException($"The analysis used {analysis.RunsUsed} runs instead of 500.");
        }
        return seconds;
    }

    /// <summary>Arms beside the base that differ only in momentum (0.81, 0.82, …).</summary>
    private static string MomentumArms(int count) =>
        string.Join(", ", Enumerable.Range(1, count).Select(i => $$$"""{"name": "momentum-{{{i}}}", "overrides": {"momentum": 0.8{{{i}}}}}"""));

    private static async Task<IReadOnlyList<RunRecord>> WaitFinished(ApiClient api, long id, CancellationToken ct)
    {
        while (!(await api.BatchAsync(id, ct)).Finished)
            await Task.Delay(50, ct);
        var runs = await api.RunsAsync(id, ct);
        if (runs.FirstOrDefault(r => r.Status != RunStatus.Succeeded) is { } failed)
            throw new StartupException($"Run {failed.Id} of batch {id} is {failed.Status.Name()}: {failed.Error}");
        return runs;
    }

    private static string Format(double value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{value:F1} {unit}");
}
