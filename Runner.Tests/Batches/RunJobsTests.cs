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
[Collection(ApiCollection.Name)]
public sealed class RunJobsTests
{
    [Fact]
    public async Task Jobs_written_with_their_runs_are_the_jobs_Hangfire_would_enqueue()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString);
        var run = new RunToEnqueue(7, "study", "no-ema", 3, "cpu-2-normal");
        var theirs = api.Services.GetRequiredService<IBackgroundJobClient>().Create(RunJobs.Job(run), new Hangfire.States.EnqueuedState(run.Queue));

        long ours;
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            ours = (await RunJobs.ReserveIdsAsync(connection, tx, "hangfire", 1, default))[0];
            await RunJobs.InsertAsync(connection, tx, "hangfire", [run], [ours], default);
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
}
