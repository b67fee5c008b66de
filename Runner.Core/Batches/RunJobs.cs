using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace Runner.Core.Batches;

/// <summary>A run to hand to Hangfire: its id, the names shown in the dashboard, and its queue.</summary>
public sealed record RunToEnqueue(long RunId, string Batch, string Arm, long Seed, string Queue);

/// <summary>
/// Enqueues many runs' jobs at once through Hangfire's storage API: each job is created (without a
/// state, expiring unless enqueued), then one storage transaction gives every job its Enqueued state
/// and queue entry in the runs' order, so workers see either all of a batch's jobs or none, in the
/// interleaved order the planner chose. This does what BackgroundJobClient.Enqueue does per job
/// (SetJobState + AddToQueue + PersistJob) in one commit instead of one per job.
/// </summary>
public static class RunJobs
{
    /// <summary>Jobs never enqueued (the API stopped between creating and enqueueing them) disappear after this.</summary>
    private static readonly TimeSpan UnenqueuedLifetime = TimeSpan.FromDays(1);

    public static IReadOnlyList<string> Enqueue(JobStorage storage, IReadOnlyList<RunToEnqueue> runs)
    {
        using var connection = storage.GetConnection();
        // One after another: Hangfire.PostgreSql's workers take a queue's jobs in job-id order, so the ids must follow the runs' order.
        var createdAt = DateTime.UtcNow;
        var ids = runs.Select(run => connection.CreateExpiredJob(Job(run), new Dictionary<string, string?>(), createdAt, UnenqueuedLifetime)).ToList();
        using var transaction = connection.CreateWriteTransaction();
        foreach (var (run, id) in runs.Zip(ids))
        {
            transaction.SetJobState(id, new EnqueuedState(run.Queue) { Reason = "Run of an ablation batch" });
            transaction.AddToQueue(run.Queue, id);
            transaction.PersistJob(id);
        }
        transaction.Commit();
        return ids;
    }

    private static Job Job(RunToEnqueue run) =>
        Hangfire.Common.Job.FromExpression<RunJob>(job => job.RunAsync(run.RunId, run.Batch, run.Arm, run.Seed, CancellationToken.None), run.Queue);
}
