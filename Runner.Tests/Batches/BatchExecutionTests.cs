using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Runner.Core.Batches;
using Runner.Core.Devices;
using Runner.Core.Workers;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Batches;

/// <summary>Batches executed for real: the API in process, Hangfire on PostgreSQL, worker processes training with TorchSharp on synthetic data.</summary>
public sealed class BatchExecutionTests() : ApiTestBase(new Dictionary<string, string> { ["Workers:LostAfterSeconds"] = LostAfterSeconds.ToString() })
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Test workers beat every second; five missed beats make one lost.</summary>
    private const int LostAfterSeconds = 5;

    /// <summary>The tiny batch with a leave-one-out of the EMA (two arms), or the base alone.</summary>
    private static string Spec(string name, int epochs, int seeds, int images = TinySpec.Images, string? data = null, bool twoArms = true, string more = "") =>
        TinySpec.Of(name, seeds, epochs, images: images, data: data, more: string.Join(", ", new[] { twoArms ? TinySpec.LeaveOneOutEma : "", more }.Where(m => m.Length > 0)));

    private Task<long> Submit(string json) => SubmitBatchAsync(json);

    private async Task<JsonNode> Batch(long id) => (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["batch"]!;

    private Task<JsonNode> WaitForBatch(long id, Func<JsonNode, bool> condition, TimeSpan timeout, ChildProcess worker) =>
        Eventually.Reads($"batch {id} to reach the state", () => Batch(id), condition, timeout, () => worker.AllOutput);

    private Task WaitForSql(string sql, TimeSpan timeout, ChildProcess worker) =>
        Eventually.Holds($"'{sql}'", async () => await Db.ScalarAsync<bool>(sql), timeout, () => worker.AllOutput);

    [Fact]
    public async Task A_batch_runs_on_a_worker_to_completion_and_its_analysis_is_returned()
    {
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);
        await worker.WaitForOutputAsync("registered", StartTimeout);

        var id = await Submit(Spec("end-to-end", epochs: 2, seeds: 3));
        var batch = await WaitForBatch(id, b => b["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromMinutes(3), worker);

        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.Equal(6, batch["runs"]!["succeeded"]!.GetValue<int>());
        var analysis = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis"))!;
        Assert.Equal(6, analysis["runsUsed"]!.GetValue<int>());
        var arms = analysis["analysis"]!["arms"]!.AsArray();
        Assert.Equal([("base", 3), ("no-ema", 3)], arms.Select(a => (a!["name"]!.GetValue<string>(), a["summary"]!["n"]!.GetValue<int>())));
        var comparison = Assert.Single(analysis["analysis"]!["comparisons"]!.AsArray());
        Assert.Equal("base", comparison!["against"]!.GetValue<string>());

        var runs = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))!;
        Assert.All(runs, r =>
        {
            Assert.Equal(("succeeded", 1, "cpu"), (r!["status"]!.GetValue<string>(), r["attempt"]!.GetValue<int>(), r["device"]!.GetValue<string>()));
            Assert.StartsWith(RestoredPackages.LibTorchCpu, r["libtorchVersion"]!.GetValue<string>());
            Assert.Equal("fp32", r["precision"]!.GetValue<string>()); // the preset's auto, as it ran on the CPU
            Assert.InRange(r["testAccuracy"]!.GetValue<double>(), 0, 1);
        });
        var epochCsv = (await Client.GetStringAsync($"/batches/{id}/epochs")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("batch_id,run_id,arm,seed,status,attempt,epoch,train_loss,train_accuracy,test_accuracy,learning_rate,epoch_seconds,training_seconds", epochCsv[0]);
        Assert.Equal(12, epochCsv.Length - 1); // 6 runs × 2 epochs, tidy
        var run = (await Client.GetFromJsonAsync<JsonNode>($"/runs/{runs[0]!["id"]}"))!;
        Assert.Equal([1, 2], run["epochs"]!.AsArray().Select(e => e!["epoch"]!.GetValue<int>()));
        Assert.Equal(2, run["recipe"]!["epochs"]!.GetValue<int>());

        // Same recipe and seed on the same CPU give bit-identical results; the data was loaded once for all six runs.
        Assert.Equal(1, worker.AllOutput.Split('\n').Count(l => l.Contains("Loaded synthetic", StringComparison.Ordinal)));
        var again = await Submit(Spec("end-to-end-again", epochs: 2, seeds: 3));
        await WaitForBatch(again, b => b["status"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(3), worker);
        Assert.Equal(0L, await Db.ScalarAsync<long>($"""
            select count(*) from runs a join runs b on a.position = b.position
            where a.batch_id = {id} and b.batch_id = {again} and a.test_accuracy is distinct from b.test_accuracy
            """));
    }

    [Fact]
    public async Task Cancelling_a_running_batch_stops_its_running_run_within_seconds_and_keeps_finished_runs()
    {
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);
        await worker.WaitForOutputAsync("registered", StartTimeout);
        var id = await Submit(Spec("cancel-me", epochs: 200, seeds: 2));
        await WaitForSql($"select exists (select 1 from epochs e join runs r on r.id = e.run_id where r.batch_id = {id})", TimeSpan.FromMinutes(1), worker);

        using var response = await Client.DeleteAsync($"/batches/{id}");
        response.EnsureSuccessStatusCode();
        var cancelledAt = DateTime.UtcNow;

        await worker.WaitForOutputAsync("stopped: its batch was cancelled", TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(10));
        var batch = await Batch(id);
        Assert.Equal(("cancelled", 4), (batch["status"]!.GetValue<string>(), batch["runs"]!["cancelled"]!.GetValue<int>()));
        await Task.Delay(1500);
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from runs where batch_id = {id} and status <> 'cancelled'"));
        Assert.DoesNotContain("Run 2 (", worker.AllOutput); // the queued runs never started
    }

    [Fact]
    public async Task A_run_whose_worker_is_killed_is_run_again_first_and_stored_exactly_once_and_a_busy_worker_keeps_its_run()
    {
        // Hangfire alone would hand the killed run out again only after this timeout, and after every run queued behind it.
        var settings = new Dictionary<string, string> { ["Queue__InvisibilityTimeoutSeconds"] = "600" };
        // 128 images (two steps an epoch): long enough to outlive a lost worker's silence, short enough to run twice.
        var id = await Submit(Spec("kill-me", epochs: 100, seeds: 1, images: 128, twoArms: false));
        var behind = await Submit(Spec("queued-behind", epochs: 1, seeds: 2));
        int attempt1Epochs;
        await using (var doomed = ChildProcess.StartWorker(Db.ConnectionString, settings))
        {
            // Busy for longer than a lost worker's silence, beating all along: it keeps its run (and has stored an epoch, however loaded the machine).
            await WaitForSql($"""
                select count(*) = 1 from runs r where r.batch_id = {id} and r.status = 'running' and r.started_at < now() - interval '{LostAfterSeconds + 2} seconds'
                  and exists (select 1 from epochs e where e.run_id = r.id)
                """, TimeSpan.FromMinutes(2), doomed);
            Assert.Equal(1, await Db.ScalarAsync<int>($"select attempt from runs where batch_id = {id}"));
            Assert.True(await Db.ScalarAsync<bool>($"select fetchedat is not null from hangfire.jobqueue q join runs r on r.job_id::bigint = q.jobid where r.batch_id = {id}"));
            doomed.KillHard();
            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(10));
            attempt1Epochs = (int)await Db.ScalarAsync<long>($"select count(*) from epochs e join runs r on r.id = e.run_id where r.batch_id = {id}");
            Assert.InRange(attempt1Epochs, 1, 99);

            // Lost once its heartbeat is LostAfterSeconds old: the API's repair releases its job to the head of the queue.
            await WaitForSql($"select fetchedat is null from hangfire.jobqueue q join runs r on r.job_id::bigint = q.jobid where r.batch_id = {id}",
                TimeSpan.FromSeconds(LostAfterSeconds + 20), doomed);
        }

        await using var survivor = ChildProcess.StartWorker(Db.ConnectionString, settings);
        var batch = await WaitForBatch(id, b => b["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromMinutes(3), survivor);
        await WaitForBatch(behind, b => b["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromMinutes(1), survivor);

        Assert.Equal("completed", batch["status"]!.GetValue<string>());
        Assert.True(await Db.ScalarAsync<bool>($"""
            select (select started_at from runs where batch_id = {id}) < (select min(started_at) from runs where batch_id = {behind})
            """), "the killed run went back to the head of its queue, before the runs queued behind it\n" + survivor.AllOutput);
        Assert.Equal(1L, await Db.ScalarAsync<long>($"select count(*) from runs where batch_id = {id}"));
        Assert.Equal(2, await Db.ScalarAsync<int>($"select attempt from runs where batch_id = {id}"));
        Assert.Equal(100L, await Db.ScalarAsync<long>($"select count(*) from epochs e join runs r on r.id = e.run_id where r.batch_id = {id} and e.attempt = 2"));
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from epochs e join runs r on r.id = e.run_id where r.batch_id = {id} and e.attempt <> 2"));
        await Eventually.JobsSettled(Db, TimeSpan.FromSeconds(30), () => survivor.AllOutput);
        Assert.Equal(5L, await Db.ScalarAsync<long>("select count(*) from hangfire.job where statename = 'Succeeded'"));
    }

    [Fact]
    public async Task A_starting_worker_releases_only_the_runs_its_dead_predecessors_on_this_host_fetched()
    {
        var id = await Submit(Spec("predecessors", epochs: 1, seeds: 2));
        static WorkerIdentity Worker(string host, int pid) => WorkerIdentity.ForThisProcess(WorkerDevice.Cpu,
            new DeviceDescription("cpu", DeviceKind.Cpu, "test cpu", false, "0.107.0", "2.10.0", 1)) with { Host = host, ProcessId = pid };
        var self = Worker(Environment.MachineName, Environment.ProcessId);
        var dead = Worker(Environment.MachineName, 4_000_001);          // no such process on this host
        var alive = Worker(Environment.MachineName, 4_000_002);         // said to be alive below
        var elsewhere = Worker("another-machine", 4_000_001);           // another host's process ids say nothing here
        var freshFetch = Worker(Environment.MachineName, 4_000_003);    // dead, but its run's entry was fetched again since
        await using var source = NpgsqlDataSource.Create(Db.ConnectionString);
        var store = new WorkerStore(source);
        foreach (var w in new[] { self, dead, alive, elsewhere, freshFetch })
            await store.RegisterAsync(w, default);

        // The batch's four runs, each running on one of the others, its job fetched a second before the worker's last beat (the last: a minute after).
        var others = new[] { dead, alive, elsewhere, freshFetch };
        var runIds = (await Db.ScalarAsync<long[]>($"select array_agg(id order by id) from runs where batch_id = {id}"))!;
        for (var i = 0; i < runIds.Length; i++)
            await Db.ExecuteAsync($"""
                update runs set status = 'running', attempt = 1, worker_id = '{others[i].Id}' where id = {runIds[i]};
                update hangfire.jobqueue set fetchedat = now() - interval '1 second' + interval '{(others[i] == freshFetch ? 60 : 0)} seconds'
                where jobid = (select job_id::bigint from runs where id = {runIds[i]});
                """);

        var runs = new RunStore(source, new Runner.Core.Queueing.QueueOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger<RunStore>.Instance);
        var released = await runs.ReleaseRunsOfDeadPredecessorsAsync(self, TimeSpan.FromSeconds(2), pid => pid == alive.ProcessId, default);

        Assert.Equal(1, released);
        Assert.Equal($"{runIds[0]}", await Db.ScalarAsync<string>("""
            select string_agg(r.id::text, ',') from runs r join hangfire.jobqueue q on q.jobid = r.job_id::bigint where q.fetchedat is null and r.status = 'running'
            """));
    }

    [Fact]
    public async Task A_high_priority_batch_runs_before_an_earlier_low_priority_one()
    {
        var low = await Submit(Spec("low", epochs: 1, seeds: 2, more: "\"priority\": \"low\""));
        var high = await Submit(Spec("high", epochs: 1, seeds: 2, more: "\"priority\": \"high\""));
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);

        await WaitForBatch(low, b => b["status"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(2), worker);

        Assert.Equal("completed", (await Batch(high))["status"]!.GetValue<string>());
        Assert.True(await Db.ScalarAsync<bool>($"""
            select (select max(started_at) from runs where batch_id = {high}) < (select min(started_at) from runs where batch_id = {low})
            """), worker.AllOutput);
    }

    [Fact]
    public async Task A_deterministic_failure_fails_the_run_at_once_with_its_message()
    {
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);
        await worker.WaitForOutputAsync("registered", StartTimeout);

        var id = await Submit(Spec("no-data", epochs: 1, seeds: 1, data: "/nonexistent/cifar"));
        var batch = await WaitForBatch(id, b => b["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromMinutes(1), worker);

        Assert.Equal(("failed", 2), (batch["status"]!.GetValue<string>(), batch["runs"]!["failed"]!.GetValue<int>()));
        var runs = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))!;
        Assert.All(runs, r =>
        {
            Assert.Equal(("deterministic", 1), (r!["errorKind"]!.GetValue<string>(), r["attempt"]!.GetValue<int>()));
            Assert.Contains("/nonexistent/cifar", r["error"]!.GetValue<string>());
        });
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from hangfire.job where statename = 'Failed'"));
    }

    [Fact]
    public async Task A_stored_recipe_changed_after_submission_is_refused_by_its_hash_not_run()
    {
        var id = await Submit(Spec("tampered", epochs: 1, seeds: 1));
        await Db.ExecuteAsync($"""
            update runs set recipe = replace(recipe, '"width":0.125', '"width":0.25')
            where id = (select min(r.id) from runs r join arms a on a.id = r.arm_id where r.batch_id = {id} and a.name = 'base')
            """);
        await using var worker = ChildProcess.StartWorker(Db.ConnectionString);

        var batch = await WaitForBatch(id, b => b["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromMinutes(2), worker);

        Assert.Equal((1, 1), (batch["runs"]!["failed"]!.GetValue<int>(), batch["runs"]!["succeeded"]!.GetValue<int>()));
        var failed = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs?status=failed"))!.Single()!;
        Assert.Equal(("base", "deterministic"), (failed["arm"]!.GetValue<string>(), failed["errorKind"]!.GetValue<string>()));
        Assert.StartsWith("The stored recipe does not match its hash", failed["error"]!.GetValue<string>());
    }
}
