using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Runner.Core.Batches;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Batches;

/// <summary>
/// Runs' jobs are written with their batch, in one transaction, by SQL of Runner's own: they must be the
/// jobs Hangfire itself would have enqueued, as Hangfire reads them back.
/// </summary>
public sealed class HangfireJobRowsTests
{
    [Fact]
    public async Task Jobs_written_with_their_runs_are_the_jobs_Hangfire_would_enqueue()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString);
        var run = new RunToEnqueue(7, "study", "no-ema", 3, "cpu-2-normal");
        var theirs = api.Services.GetRequiredService<IBackgroundJobClient>().Create(HangfireJobRows.Job(run), new Hangfire.States.EnqueuedState(run.Queue));

        long ours;
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            ours = (await HangfireJobRows.ReserveIdsAsync(connection, tx, "hangfire", 1, default))[0];
            await HangfireJobRows.InsertAsync(connection, tx, "hangfire", [run], [ours], default);
            await tx.CommitAsync();
        }

        string Row(string id) => $"""
            select row(j.invocationdata, j.arguments, j.statename, j.expireat is null, s.name, s.data - 'EnqueuedAt', q.queue, q.fetchedat is null)::text
            from hangfire.job j join hangfire.state s on s.id = j.stateid join hangfire.jobqueue q on q.jobid = j.id where j.id = {id}
            """;
        Assert.Equal(await db.ScalarAsync<string>(Row(theirs)), await db.ScalarAsync<string>(Row(ours.ToString())));
        Assert.True(ours > long.Parse(theirs));

        using var storage = api.Services.GetRequiredService<JobStorage>().GetConnection();
        var data = storage.GetJobData(ours.ToString())!;
        Assert.Null(data.LoadException);
        Assert.Equal(("Enqueued", typeof(RunJob), "cpu-2-normal"), (data.State, data.Job.Type, data.Job.Queue));
        Assert.Equal([7L, "study", "no-ema", 3L], data.Job.Args.Take(4));
        var listed = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("cpu-2-normal", 0, 10);
        Assert.Contains(listed, j => j.Key == ours.ToString());
    }

    [Fact]
    public async Task Jobs_deleted_with_their_cancelled_runs_are_the_jobs_Hangfires_delete_leaves_without_their_queue_entries()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString);
        var client = api.Services.GetRequiredService<IBackgroundJobClient>();
        var storage = api.Services.GetRequiredService<JobStorage>();
        var run = new RunToEnqueue(7, "study", "no-ema", 3, "cpu-2-normal");
        var theirs = client.Create(HangfireJobRows.Job(run), new Hangfire.States.EnqueuedState(run.Queue));
        var ours = new[] { client.Create(HangfireJobRows.Job(run), new Hangfire.States.EnqueuedState(run.Queue)), client.Create(HangfireJobRows.Job(run), new Hangfire.States.EnqueuedState(run.Queue)) };
        client.Delete(theirs);

        async Task DeleteOurs()
        {
            await using var connection = new NpgsqlConnection(db.ConnectionString);
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await HangfireJobRows.DeleteAsync(connection, tx, "hangfire", ours.Select(long.Parse).ToList(), storage.JobExpirationTimeout, default);
            await tx.CommitAsync();
        }
        await DeleteOurs();
        await DeleteOurs(); // a second delete changes nothing

        // The job's state, the state's data (its time aside) and the expiry measured from the state's time.
        string Row(string id) => $"""
            select row(j.statename, s.name, s.reason, (select array_agg(k order by k) from jsonb_object_keys(s.data) k),
                       round(extract(epoch from j.expireat - s.createdat)), (select count(*) from hangfire.state where jobid = j.id))::text
            from hangfire.job j join hangfire.state s on s.id = j.stateid where j.id = {id}
            """;
        foreach (var id in ours)
            Assert.Equal(await db.ScalarAsync<string>(Row(theirs)), await db.ScalarAsync<string>(Row(id)));
        Assert.Equal("(Deleted,Deleted,,{DeletedAt},86400,2)", await db.ScalarAsync<string>(Row(theirs)));

        // Every counter Hangfire incremented for its one job, incremented for ours too (once each), with the same expiries.
        Assert.Equal(3L, await db.ScalarAsync<long>("select count(distinct key) from hangfire.counter"));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            select count(*) from (select key, sum(value) as total, count(distinct round(extract(epoch from expireat - now()) / 60)) as expiries
                                  from hangfire.counter group by key) c where total <> 3 or expiries > 1
            """));
        Assert.Equal(3L, storage.GetMonitoringApi().GetStatistics().Deleted);
        Assert.Equal(ours.Order().Append(theirs).Order(), storage.GetMonitoringApi().DeletedJobs(0, 10).Select(j => j.Key).Order());

        // Hangfire leaves its deleted job's queue entry for a worker to discard; ours are gone.
        Assert.Equal(theirs, await db.ScalarAsync<string>("select string_agg(jobid::text, ',') from hangfire.jobqueue"));
    }
}
