using System.Data;
using Dapper;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;

namespace Runner.Core.Batches;

/// <summary>A run to hand to Hangfire: its id, the names shown in the dashboard, and its queue.</summary>
public sealed record RunToEnqueue(long RunId, string Batch, string Arm, long Seed, string Queue);

/// <summary>
/// Writes runs' Hangfire jobs, already enqueued, inside the caller's database transaction, so that a
/// batch, its runs and their jobs are stored together or not at all, with one statement per table
/// however many runs there are. The rows are what Hangfire.PostgreSql writes for
/// <c>BackgroundJobClient.Enqueue</c> (job, Enqueued state, queue entry, a NOTIFY that wakes idle workers;
/// <c>HangfireJobRowsTests</c> compares them), serialised by Hangfire's own serializers. Job ids are taken from the
/// job table's sequence and handed out in run order, because workers take a queue's jobs in job-id order
/// and the interleaved run order (seed by seed across arms) rests on it.
/// </summary>
public static class HangfireJobRows
{
    public const string EnqueuedReason = "Run of an ablation batch";

    /// <summary>Job ids, in run order: taken before the runs are written, so each run row can name its job.</summary>
    public static async Task<long[]> ReserveIdsAsync(IDbConnection connection, IDbTransaction tx, string schema, int count, CancellationToken ct)
    {
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(
            $"select nextval(pg_get_serial_sequence('\"{schema}\".job', 'id')) from generate_series(1, @count)",
            new { count }, tx, cancellationToken: ct))).Order().ToArray();
        return ids;
    }

    /// <summary>Writes one enqueued job per run with the reserved ids (same order as <paramref name="runs"/>).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, IDbTransaction tx, string schema, IReadOnlyList<RunToEnqueue> runs, long[] ids, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var invocations = runs.Select(r => InvocationData.SerializeJob(Job(r))).ToList();
        var states = runs.Select(r => SerializationHelper.Serialize(new EnqueuedState(r.Queue) { Reason = EnqueuedReason }.SerializeData())).ToArray();
        await connection.ExecuteAsync(new CommandDefinition($"""
            insert into "{schema}".job (id, invocationdata, arguments, createdat)
            select id, invocation::jsonb, arguments::jsonb, @now from unnest(@ids, @invocationData, @arguments) as j(id, invocation, arguments);

            with s as (
                insert into "{schema}".state (jobid, name, reason, createdat, data)
                select id, 'Enqueued', @reason, @now, data::jsonb from unnest(@ids, @states) as s(id, data)
                returning id, jobid)
            update "{schema}".job j set stateid = s.id, statename = 'Enqueued' from s where j.id = s.jobid;

            insert into "{schema}".jobqueue (jobid, queue) select id, queue from unnest(@ids, @queues) with ordinality as q(id, queue, n) order by n;
            notify new_job;
            """,
            new
            {
                ids, now, reason = EnqueuedReason, states,
                invocationData = invocations.Select(i => SerializationHelper.Serialize(i)).ToArray(),
                arguments = invocations.Select(i => i.Arguments).ToArray(),
                queues = runs.Select(r => r.Queue).ToArray(),
            }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// Deletes runs' jobs inside the caller's transaction, one statement per table however many there are: the rows
    /// <c>BackgroundJobClient.Delete</c> writes (a Deleted state with its time, the job's state and expiry, the deleted
    /// counters the dashboard's history reads; <c>HangfireJobRowsTests</c> compares them), and also the queue entries no worker
    /// has fetched yet, which Hangfire leaves for a worker to fetch and discard. A worker already running one sees its
    /// Deleted state and stops it; a worker taking one at the same moment finds its run cancelled (the runs table decides).
    /// Jobs already deleted are left as they are.
    /// </summary>
    public static async Task DeleteAsync(NpgsqlConnection connection, IDbTransaction tx, string schema, IReadOnlyList<long> ids, TimeSpan expireIn, CancellationToken ct)
    {
        if (ids.Count == 0)
            return;
        var now = DateTime.UtcNow;
        var deleted = new DeletedState();
        await connection.ExecuteAsync(new CommandDefinition($"""
            with s as (
                insert into "{schema}".state (jobid, name, reason, createdat, data)
                select id, 'Deleted', null, @now, @data::jsonb from "{schema}".job where id = any(@ids) and statename is distinct from 'Deleted'
                returning id, jobid),
            j as (
                update "{schema}".job j set stateid = s.id, statename = 'Deleted', expireat = @expireAt from s where j.id = s.jobid
                returning j.id)
            insert into "{schema}".counter (key, value, expireat)
            select c.key, n.deleted, c.expireat from (select count(*)::int as deleted from j) n,
                (values ('stats:deleted', null::timestamptz), (@day, @dayExpiry), (@hour, @hourExpiry)) as c(key, expireat)
            where n.deleted > 0;

            delete from "{schema}".jobqueue where jobid = any(@ids) and fetchedat is null;
            """,
            new
            {
                ids = ids.ToArray(), now, data = SerializationHelper.Serialize(deleted.SerializeData()), expireAt = now + expireIn,
                // The daily and hourly counters of Hangfire's statistics history, with its expiries.
                day = $"stats:deleted:{now:yyyy-MM-dd}", dayExpiry = now.AddMonths(1),
                hour = $"stats:deleted:{now:yyyy-MM-dd-HH}", hourExpiry = now.AddDays(1),
            }, tx, cancellationToken: ct));
    }

    /// <summary>The job of a run: what <c>BackgroundJobClient.Enqueue&lt;RunJob&gt;(queue, …)</c> would create.</summary>
    public static Job Job(RunToEnqueue run) =>
        Hangfire.Common.Job.FromExpression<RunJob>(job => job.RunAsync(run.RunId, run.Batch, run.Arm, run.Seed, CancellationToken.None), run.Queue);

}
