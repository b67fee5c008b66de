using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using MathNet.Numerics.Statistics;
using Npgsql;
using Runner.Core.Batches;
using Runner.Core.Devices;
using Runner.Core.Hosting;
using Spectre.Console;

namespace Runner.Worker.Client;

/// <summary>
/// `bench-chaos`: runs a batch on several worker processes of its own while SIGKILLing a random busy
/// worker N times (restarting it each time), with a second batch of runs queued behind it on the same queue,
/// then checks the stored results: every run once, with the epochs of its final attempt only; reports kills
/// survived, runs lost or duplicated, and the time from a kill to its run running again (p50, p95).
/// The workers beat at their default interval, so the API's Workers__LostAfterSeconds decides as in production.
/// </summary>
public static class ChaosBenchCommand
{
    private sealed record Kill(DateTime At, long RunId, int Attempt);

    public static Command Build()
    {
        var connection = new Option<string?>("--connection") { Description = "The API's database (default: ConnectionStrings__Runner); the workers use it too" };
        var kills = new Option<int>("--kills") { Description = "How many times a busy worker is killed", DefaultValueFactory = _ => 20 };
        var workers = new Option<int>("--workers") { Description = "Worker processes", DefaultValueFactory = _ => 3 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per arm (two arms)", DefaultValueFactory = _ => 25 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run (width 1/8, synthetic data)", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed of the choice of victims and pauses", DefaultValueFactory = _ => 1 };
        var behind = new Option<int>("--behind")
        {
            Description = "Runs queued behind the batch on the same queue (a second batch, cancelled when the first is done)", DefaultValueFactory = _ => 200,
        };
        var command = new Command("bench-chaos", "Run a batch while killing workers; check every run is stored exactly once. The API must use Queue__InvisibilityTimeoutSeconds as the workers do.")
        {
            ApiClient.ApiOption, ApiClient.KeyOption, connection, kills, workers, seeds, epochs, seed, behind,
        };
        command.SetAction(async (result, ct) =>
        {
            using var api = ApiClient.From(result);
            var cs = result.GetValue(connection) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Runner")
                ?? throw new StartupException("Give --connection (or ConnectionStrings__Runner): the workers and the check use the API's database.");
            var random = new Random(result.GetValue(seed));
            var (epochCount, killCount) = (result.GetValue(epochs), result.GetValue(kills));
            var pool = Enumerable.Range(0, result.GetValue(workers)).Select(_ => StartWorker(cs)).ToList();
            try
            {
                var spec = $$$"""
                    {"name": "chaos", "base": {"preset": "tta", "overrides": {"width": 0.125, "epochs": {{{epochCount}}}, "batchSize": 64}},
                     "leaveOneOut": ["ema"], "seeds": {{{result.GetValue(seeds)}}}, "queue": "cpu", "data": "synthetic:512"}
                    """;
                var id = (await api.SubmitAsync(spec, ct)).Batch.Id;
                var behindSpec = $$$"""
                    {"name": "queued behind", "base": {"preset": "tta", "overrides": {"width": 0.125, "epochs": {{{epochCount}}}, "batchSize": 64}},
                     "seeds": {{{result.GetValue(behind)}}}, "queue": "cpu", "data": "synthetic:512"}
                    """;
                var queuedBehind = result.GetValue(behind) > 0 ? (await api.SubmitAsync(behindSpec, ct)).Batch.Id : (long?)null;
                var clock = Stopwatch.StartNew();
                var done = new List<Kill>();
                await using var db = new NpgsqlConnection(cs);
                await db.OpenAsync(ct);
                while (done.Count < killCount && await Status(db, id) is "queued" or "running")
                {
                    await Task.Delay(TimeSpan.FromSeconds(2 + random.NextDouble() * 4), ct);
                    // The victim: a worker process that is running a run right now.
                    var busy = (await db.QueryAsync<(long RunId, int Attempt, string Worker)>(
                        "select r.id, r.attempt, r.worker_name from runs r where r.batch_id = @id and r.status = 'running'", new { id })).ToList();
                    var victims = pool.Select((p, i) => (p, i)).Where(x => busy.Any(b => b.Worker.EndsWith($":{x.p.Id}", StringComparison.Ordinal))).ToList();
                    if (victims.Count == 0)
                        continue;
                    var (process, index) = victims[random.Next(victims.Count)];
                    var run = busy.First(b => b.Worker.EndsWith($":{process.Id}", StringComparison.Ordinal));
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(ct);
                    done.Add(new Kill(DateTime.UtcNow, run.RunId, run.Attempt));
                    Console.Error.WriteLine($"kill {done.Count}/{killCount} at {clock.Elapsed.TotalSeconds:F0} s: worker {process.Id} running run {run.RunId} (attempt {run.Attempt})");
                    pool[index] = StartWorker(cs);
                }
                while (await Status(db, id) is "queued" or "running")
                    await Task.Delay(500, ct);
                if (queuedBehind is { } b)
                    await api.CancelAsync(b, ct);
                Report(await Check(db, id, epochCount, done), clock.Elapsed, done.Count);
                return 0;
            }
            finally
            {
                foreach (var process in pool.Where(p => !p.HasExited))
                    process.Kill(entireProcessTree: true);
            }
        });
        return command;
    }

    private sealed record Outcome(int Runs, int Succeeded, int FailedLostWorker, int Lost, int Duplicated, IReadOnlyList<double> RecoverySeconds);

    private static async Task<Outcome> Check(NpgsqlConnection db, long id, int epochs, IReadOnlyList<Kill> kills)
    {
        var runs = (await db.QueryAsync<(long Id, string Status, int Attempt, string? ErrorKind, long Epochs, long ForeignEpochs, DateTime? StartedAt)>("""
            select r.id, r.status, r.attempt, r.error_kind,
                   (select count(*) from epochs e where e.run_id = r.id),
                   (select count(*) from epochs e where e.run_id = r.id and e.attempt <> r.attempt),
                   r.started_at
            from runs r where r.batch_id = @id
            """, new { id })).ToList();
        // A killed attempt is recovered when its run starts again under a later attempt; the run's final start is the latest we can see.
        var recovery = kills.Select(k => runs.First(r => r.Id == k.RunId)).Zip(kills)
            .Where(x => x.First.Attempt > x.Second.Attempt && x.First.StartedAt is not null)
            .Select(x => (x.First.StartedAt!.Value - x.Second.At).TotalSeconds).ToList();
        return new Outcome(
            runs.Count,
            runs.Count(r => r.Status == "succeeded" && r.Epochs == epochs && r.ForeignEpochs == 0),
            runs.Count(r => r.Status == "failed" && r.ErrorKind == "worker-lost"),
            runs.Count(r => r.Status is not ("succeeded" or "failed")),
            runs.Count(r => r.Status == "succeeded" && (r.Epochs != epochs || r.ForeignEpochs != 0)),
            recovery);
    }

    private static void Report(Outcome o, TimeSpan elapsed, int kills)
    {
        var table = new Table().AddColumns("measure", "value");
        void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
        Row("kills survived", kills.ToString(CultureInfo.InvariantCulture));
        Row("runs", o.Runs.ToString(CultureInfo.InvariantCulture));
        Row("stored once, final attempt's epochs only", o.Succeeded.ToString(CultureInfo.InvariantCulture));
        Row("failed after 3 lost workers (by design)", o.FailedLostWorker.ToString(CultureInfo.InvariantCulture));
        Row("lost (never finished)", o.Lost.ToString(CultureInfo.InvariantCulture));
        Row("duplicated or mixed epochs", o.Duplicated.ToString(CultureInfo.InvariantCulture));
        if (o.RecoverySeconds.Count > 0)
            Row("kill → run started again (p50 / p95 / max)", string.Create(CultureInfo.InvariantCulture,
                $"{o.RecoverySeconds.QuantileCustom(0.5, QuantileDefinition.R7):F1} s / {o.RecoverySeconds.QuantileCustom(0.95, QuantileDefinition.R7):F1} s / {o.RecoverySeconds.Max():F1} s over {o.RecoverySeconds.Count} runs"));
        Row("batch wall time", string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0} s"));
        AnsiConsole.Write(table);
        if (o.Lost > 0 || o.Duplicated > 0 || o.Succeeded + o.FailedLostWorker != o.Runs)
            throw new StartupException($"Chaos check failed: {o.Lost} runs lost, {o.Duplicated} duplicated, {o.Runs - o.Succeeded - o.FailedLostWorker - o.Lost - o.Duplicated} otherwise wrong.");
    }

    private static Task<string?> Status(NpgsqlConnection db, long id) =>
        db.ExecuteScalarAsync<string?>("select status from batches where id = @id", new { id });

    private static Process StartWorker(string connectionString)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Runner.Worker.dll"), "serve", "--device", "cpu" })
            info.ArgumentList.Add(arg);
        info.Environment["ConnectionStrings__Runner"] = connectionString;
        info.Environment["Worker__Threads"] = "1";
        info.Environment[NativeAllocator.ArenaVariable] = "1";
        var process = Process.Start(info)!;
        // Drained so that a chatty worker never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
