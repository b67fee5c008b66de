using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Runner.Core.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Tests.Infrastructure;
using static Runner.Tests.Hardening.HardeningClient;

namespace Runner.Tests.Hardening;

/// <summary>Faults survived with real processes: PostgreSQL restarted under a running batch, several workers on one queue.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Width 1/8 on synthetic images: a few tenths of a second per epoch on the development machines.</summary>
    private static string Spec(string name, int epochs, int seeds, bool twoArms, int images = TinySpec.Images) =>
        TinySpec.Of(name, seeds, epochs, images: images, more: twoArms ? TinySpec.LeaveOneOutEma : "");

    private static async Task<T?> Scalar<T>(string connectionString, string sql)
    {
        // Unpooled: the test's own look at the database must not trip over connections the restart broke.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? (T)value : default;
    }

    /// <summary>Every run succeeded once: one row, attempt 1 unless a retry was needed, and exactly its final attempt's epochs.</summary>
    private static async Task AssertStoredOnce(string cs, long batchId, int runs, int epochs)
    {
        Assert.Equal((long)runs, await Scalar<long>(cs, $"select count(*) from runs where batch_id = {batchId} and status = 'succeeded'"));
        Assert.Equal((long)runs, await Scalar<long>(cs, $"select count(*) from runs where batch_id = {batchId}"));
        Assert.Equal(0L, await Scalar<long>(cs, $"""
            select count(*) from runs r
            where r.batch_id = {batchId}
              and ((select count(*) from epochs e where e.run_id = r.id) <> {epochs}
                   or exists (select 1 from epochs e where e.run_id = r.id and e.attempt <> r.attempt))
            """));
    }

    [Fact]
    public async Task A_PostgreSQL_restart_under_a_running_batch_is_survived_and_every_run_is_stored_once()
    {
        await using var cluster = await PrivateCluster.StartAsync();
        var cs = cluster.ConnectionString;
        await SchemaMigrator.MigrateAsync(cs, "hangfire", NullLogger.Instance);
        await using var api = new ApiFactory(cs);
        using var client = api.CreateClientWithKey();
        await using var worker = ChildProcess.StartWorker(cs, new Dictionary<string, string> { ["Queue__InvisibilityTimeoutSeconds"] = "60" });
        await worker.WaitForOutputAsync("registered", StartTimeout);

        const int epochs = 30;
        var created = await PostAsync(client, "/batches", Spec("restart", epochs, seeds: 3, twoArms: false, images: 128));
        var id = created.Json!["batch"]!["id"]!.GetValue<long>();
        await Eventually.Holds("three stored epochs", async () => await Scalar<long>(cs, $"select count(*) from epochs e join runs r on r.id = e.run_id where r.batch_id = {id}") >= 3,
            TimeSpan.FromMinutes(1), () => worker.AllOutput);

        await cluster.StopAsync();
        var down = await SendAsync(client, HttpMethod.Get, $"/batches/{id}");
        AssertProblem(down, HttpStatusCode.ServiceUnavailable);
        Assert.True(down.Response.Headers.Contains("Retry-After"));
        AssertProblem(await PostAsync(client, "/batches", Spec("while-down", 1, 1, false)), HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(20));
        await cluster.StartAgainAsync();

        // The API recovers by itself, and the batch completes.
        await Eventually.Holds("the API to answer again", async () => (await client.GetAsync($"/batches/{id}")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        await Eventually.Holds("the batch to finish", async () => (await client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["batch"]!["status"]!.GetValue<string>() is "completed" or "failed",
            TimeSpan.FromMinutes(4), () => worker.AllOutput);
        Assert.Equal("completed", await Scalar<string>(cs, $"select status from batches where id = {id}"));
        await AssertStoredOnce(cs, id, runs: 3, epochs);
        Assert.Contains("Database unavailable while writing", worker.AllOutput);
        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task Three_workers_on_one_queue_run_a_batch_with_no_run_lost_or_run_twice()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString);
        using var client = api.CreateClientWithKey();
        var workers = Enumerable.Range(0, 3).Select(i => ChildProcess.StartWorker(db.ConnectionString)).ToList();
        try
        {
            foreach (var worker in workers)
                await worker.WaitForOutputAsync("registered", StartTimeout);

            const int epochs = 3;
            var created = await PostAsync(client, "/batches", Spec("three-workers", epochs, seeds: 6, twoArms: true, images: 128));
            var id = created.Json!["batch"]!["id"]!.GetValue<long>();
            await Eventually.Holds("the batch to finish", async () => await db.ScalarAsync<string>($"select status from batches where id = {id}") is "completed" or "failed",
                TimeSpan.FromMinutes(4), () => string.Join("\n---\n", workers.Select(w => w.AllOutput)));

            await AssertStoredOnce(db.ConnectionString, id, runs: 12, epochs);
            Assert.Equal(0L, await db.ScalarAsync<long>($"select count(*) from runs where batch_id = {id} and attempt <> 1"));
            await Eventually.JobsSettled(db, TimeSpan.FromSeconds(30), () => string.Join("\n---\n", workers.Select(w => w.AllOutput)));
            Assert.Equal(12L, await db.ScalarAsync<long>("select count(*) from hangfire.job where statename = 'Succeeded'"));
            Assert.True(await db.ScalarAsync<long>($"select count(distinct worker_id) from runs where batch_id = {id}") >= 2,
                "the runs should be shared between workers");
            var started = workers.Sum(w => w.AllOutput.Split('\n').Count(l => l.Contains(" started on ", StringComparison.Ordinal)));
            Assert.Equal(12, started); // no run began twice anywhere
        }
        finally
        {
            foreach (var worker in workers)
                await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_requeued_job_of_a_finished_run_changes_nothing()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString);
        using var client = api.CreateClientWithKey();
        await using var worker = ChildProcess.StartWorker(db.ConnectionString);
        var id = (await PostAsync(client, "/batches", Spec("requeue", epochs: 2, seeds: 1, twoArms: false))).Json!["batch"]!["id"]!.GetValue<long>();
        await Eventually.Holds("the batch to complete", async () => await db.ScalarAsync<string>($"select status from batches where id = {id}") == "completed", TimeSpan.FromMinutes(2), () => worker.AllOutput);
        const string run = "select row(status, attempt, finished_at, test_accuracy, (select count(*) from epochs e where e.run_id = r.id))::text from runs r";
        var before = await db.ScalarAsync<string>($"{run} where batch_id = {id}");
        var jobId = (await db.ScalarAsync<string>($"select job_id from runs where batch_id = {id}"))!;
        // The run is stored before its job returns: the job is finished once Hangfire has marked it succeeded.
        await Eventually.Holds("the job's Succeeded state", async () => await db.ScalarAsync<long>($"select count(*) from hangfire.state where jobid = {jobId} and name = 'Succeeded'") == 1,
            TimeSpan.FromMinutes(1), () => worker.AllOutput);

        // What the dashboard's Requeue button does.
        Assert.True(api.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId));
        await Eventually.Holds("the job's second Succeeded state", async () => await db.ScalarAsync<long>($"select count(*) from hangfire.state where jobid = {jobId} and name = 'Succeeded'") == 2,
            TimeSpan.FromMinutes(1), () => worker.AllOutput);

        Assert.Equal(before, await db.ScalarAsync<string>($"{run} where batch_id = {id}"));
        Assert.Contains("already finished or cancelled; nothing to do", worker.AllOutput);
    }
}
