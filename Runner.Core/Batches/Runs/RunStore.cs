using Runner.Core.Recipes;
using System.Data;
using Dapper;
using Npgsql;
using Microsoft.Extensions.Logging;
using Runner.Core.Database;
using Runner.Core.Queueing;
using Runner.Core.Training;
using Runner.Core.Validation;
using Runner.Core.Workers;

namespace Runner.Core.Batches;

/// <summary>
/// The worker's writes to a run. Every write after the claim names its attempt and applies only while
/// that attempt still owns the run (status running, same attempt): a superseded or cancelled execution
/// writes nothing, which is what makes a run's result land exactly once. Every write rides out a short
/// database outage (<see cref="DatabaseOutage"/>) instead of failing the run; progress writes are skipped meanwhile.
/// </summary>
public sealed class RunStore(NpgsqlDataSource db, QueueOptions queue, ILogger<RunStore> logger)
{
    /// <summary>Executions lost with their worker (SIGKILL, power loss) before the run is failed instead of retried.</summary>
    public const int MaxLostAttempts = 3;

    /// <summary>
    /// At a worker's start, the runs of its dead predecessors go back to the head of their queues at once, before this
    /// worker takes its first job, instead of when the API sees their heartbeats stop (<see cref="BatchStore.ReleaseRunsOfLostWorkersAsync"/>).
    /// A predecessor is a worker registered on this host, never stopped, whose process is gone: no process has its id
    /// here, or this one has (one id, one process at a time). Host names must therefore be unique across machines; a
    /// live process with a reused id only delays the release to the API's. Only queue entries the predecessor fetched
    /// are released: fetched before its last heartbeat and one interval more. Returns the runs released.
    /// </summary>
    public async Task<int> ReleaseRunsOfDeadPredecessorsAsync(WorkerIdentity self, TimeSpan heartbeat, Func<int, bool> processExists, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var candidates = await connection.QueryAsync<(Guid Id, int ProcessId)>(new CommandDefinition(
            "select id, process_id from workers where host = @Host and stopped_at is null and id <> @Id", new { self.Host, self.Id }, cancellationToken: ct));
        var dead = candidates.Where(w => w.ProcessId == self.ProcessId || !processExists(w.ProcessId)).Select(w => w.Id).ToArray();
        if (dead.Length == 0)
            return 0;
        var released = await connection.ExecuteAsync(new CommandDefinition($"""
            update "{queue.SchemaName}".jobqueue q set fetchedat = null
            from runs r join workers w on w.id = r.worker_id
            where w.id = any(@dead) and r.status = {SqlNames.Running} and q.jobid = r.job_id::bigint and q.fetchedat < w.heartbeat_at + @heartbeat
            """, new { dead, heartbeat }, cancellationToken: ct));
        if (released > 0)
            await connection.ExecuteAsync(new CommandDefinition("notify new_job", cancellationToken: ct));
        return released;
    }

    /// <summary>
    /// Takes the run for a new attempt: only a queued run, or a running one whose worker died (the job
    /// came back after the invisibility timeout). Epochs of an earlier, unfinished attempt are removed in
    /// the same transaction, so the run's rows always belong to one complete execution.
    /// </summary>
    public Task<(ClaimOutcome Outcome, RunAssignment? Run)> ClaimAsync(long runId, WorkerIdentity worker, CancellationToken ct) =>
        DatabaseOutage.RideOutAsync(() => ClaimOnceAsync(runId, worker, ct), logger, $"the claim of run {runId}");

    private async Task<(ClaimOutcome Outcome, RunAssignment? Run)> ClaimOnceAsync(long runId, WorkerIdentity worker, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var batchId = await LockBatchOfRun(connection, tx, runId, ct);
        var current = await connection.QuerySingleOrDefaultAsync<(RunStatus Status, int Attempt)>(new CommandDefinition(
            "select status, attempt from runs where id = @runId for update", new { runId }, tx, cancellationToken: ct));
        if (batchId is null || current.Status is not (RunStatus.Queued or RunStatus.Running))
            return (ClaimOutcome.NothingToDo, null);

        await connection.ExecuteAsync(new CommandDefinition(
            "delete from epochs where run_id = @runId", new { runId }, tx, cancellationToken: ct));
        if (current.Status == RunStatus.Running && current.Attempt >= MaxLostAttempts)
        {
            await connection.ExecuteAsync(new CommandDefinition($"""
                update runs set status = {SqlNames.Failed}, finished_at = now(), error_kind = {SqlNames.WorkerLost},
                                error = 'The worker running this run was lost ' || attempt || ' times (killed or out of memory); not trying again.'
                where id = @runId
                """, new { runId }, tx, cancellationToken: ct));
            await SequentialLooks.TakeDueAsync(connection, tx, batchId.Value, ct);
            await FinishBatchIfDone(connection, tx, batchId.Value, ct);
            await tx.CommitAsync(ct);
            return (ClaimOutcome.GaveUp, null);
        }

        var run = await connection.QuerySingleAsync<RunAssignment>(new CommandDefinition($"""
            update runs r set status = {SqlNames.Running}, attempt = attempt + 1, started_at = now(), progress_at = now(), finished_at = null,
                              worker_id = @WorkerId, worker_name = @WorkerName, device = @Device, device_name = @DeviceName,
                              torchsharp_version = @TorchSharpVersion, libtorch_version = @LibTorchVersion, threads = @Threads,
                              steps_done = 0, steps_total = null, first_step_seconds = null
            from batches b
            where r.id = @runId and b.id = r.batch_id
            returning r.id as RunId, r.batch_id as BatchId, r.attempt as Attempt, r.seed as Seed, r.recipe as RecipeJson, r.recipe_hash as RecipeHash, b.data as Data, r.queued_at as QueuedAt,
                      r.trace_parent as TraceParent
            """,
            new
            {
                runId, WorkerId = worker.Id, WorkerName = worker.Name, Device = worker.Device.ToString(), DeviceName = worker.Description.Name,
                worker.Description.TorchSharpVersion, worker.Description.LibTorchVersion, worker.Description.Threads,
            }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            $"update batches set status = {SqlNames.Running}, started_at = coalesce(started_at, now()) where id = @batchId and status = {SqlNames.Queued}",
            new { batchId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (ClaimOutcome.Claimed, run);
    }

    /// <summary>Stores one epoch of the attempt; false when the attempt no longer owns the run (cancelled or superseded).</summary>
    public bool RecordEpoch(RunAssignment run, EpochMetrics e) => DatabaseOutage.RideOut(() =>
    {
        using var connection = db.OpenConnection();
        return connection.Execute($"""
            insert into epochs (run_id, epoch, attempt, train_loss, train_accuracy, test_accuracy, learning_rate, epoch_seconds, training_seconds)
            select @RunId, @Epoch, @Attempt, @TrainLoss, @TrainAccuracy, @TestAccuracy, @LearningRate, @EpochSeconds, @TrainingSeconds
            where exists (select 1 from runs where id = @RunId and attempt = @Attempt and status = {SqlNames.Running})
            """,
            new { run.RunId, run.Attempt, e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestAccuracy, e.LearningRate, e.EpochSeconds, e.TrainingSeconds }) == 1;
    }, logger, $"epoch {e.Epoch} of run {run.RunId}");

    /// <summary>
    /// Records how far the attempt is (and, once, how long it took to its first step); false when it no
    /// longer owns the run. Progress is advisory: while the database is away it is skipped, not waited for.
    /// </summary>
    public bool RecordProgress(RunAssignment run, long step, long totalSteps, double? firstStepSeconds = null)
    {
        try
        {
            return WriteProgress(run, step, totalSteps, firstStepSeconds);
        }
        catch (Exception e) when (DatabaseProblem.IsUnavailable(e))
        {
            logger.LogWarning("Progress of run {RunId} not recorded: database unavailable ({Error})", run.RunId, e.GetBaseException().Message);
            return true;
        }
    }

    private bool WriteProgress(RunAssignment run, long step, long totalSteps, double? firstStepSeconds)
    {
        using var connection = db.OpenConnection();
        return connection.Execute($"""
            update runs set steps_done = @step, steps_total = @totalSteps, progress_at = now(),
                            first_step_seconds = coalesce(@firstStepSeconds, first_step_seconds)
            where id = @RunId and attempt = @Attempt and status = {SqlNames.Running}
            """, new { run.RunId, run.Attempt, step, totalSteps, firstStepSeconds }) == 1;
    }

    /// <summary>The result, in one transaction with the batch's completion; false when the attempt no longer owns the run.</summary>
    public async Task<bool> CompleteAsync(RunAssignment run, TrainingResult r)
    {
        var last = r.Epochs[^1];
        return await Finish(run, $"""
            update runs set status = {SqlNames.Succeeded}, finished_at = now(), test_accuracy = @TestAccuracy, tta_accuracy = @TtaAccuracy,
                            train_loss = @TrainLoss, train_accuracy = @TrainAccuracy, training_seconds = @TrainingSeconds,
                            total_seconds = @TotalSeconds, steps = @Steps, steps_done = @Steps, steps_total = @Steps, recipe_hash = @RecipeHash,
                            threads = @Threads, data = @Data, precision = @Precision, numerics = @Numerics, error = null, error_kind = null
            where id = @RunId and attempt = @Attempt and status = {SqlNames.Running}
            """,
            new
            {
                run.RunId, run.Attempt, r.TestAccuracy, r.TtaAccuracy, last.TrainLoss, last.TrainAccuracy, r.TrainingSeconds, r.TotalSeconds, r.Steps,
                r.RecipeHash, r.Threads, r.Data, Precision = r.Precision.Name(), r.Numerics,
            });
    }

    /// <summary>A failure that ends the run (deterministic, or transient with no retries left).</summary>
    public async Task<bool> FailAsync(RunAssignment run, RunErrorKind kind, string error) => await Finish(run, $"""
        update runs set status = {SqlNames.Failed}, finished_at = now(), error = @error, error_kind = @kind,
                        transient_failures = transient_failures + case when @kind = {SqlNames.Transient} then 1 else 0 end
        where id = @RunId and attempt = @Attempt and status = {SqlNames.Running}
        """, new { run.RunId, run.Attempt, kind = JsonNames.Of(kind), error });

    /// <summary>A transient failure with retries left: the run goes back to queued, keeping the error (Hangfire retries the job).</summary>
    public Task RetryLaterAsync(RunAssignment run, string error) => DatabaseOutage.RideOutAsync(async () =>
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync($"""
            update runs set status = {SqlNames.Queued}, error = @error, error_kind = {SqlNames.Transient}, transient_failures = transient_failures + 1
            where id = @RunId and attempt = @Attempt and status = {SqlNames.Running}
            """, new { run.RunId, run.Attempt, error });
    }, logger, $"the retry of run {run.RunId}");

    /// <summary>The number of transient failures the run has had so far.</summary>
    public Task<int> TransientFailuresAsync(long runId) => DatabaseOutage.RideOutAsync(async () =>
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("select transient_failures from runs where id = @runId", new { runId });
    }, logger, $"the failure count of run {runId}");

    /// <summary>Shutdown: the attempt hands the run back so that the requeued job starts it afresh.</summary>
    public Task HandBackAsync(RunAssignment run) => DatabaseOutage.RideOutAsync(async () =>
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync($"""
            update runs set status = {SqlNames.Queued}, started_at = null, steps_done = null, steps_total = null
            where id = @RunId and attempt = @Attempt and status = {SqlNames.Running}
            """, new { run.RunId, run.Attempt });
    }, logger, $"the hand-back of run {run.RunId}");

    public Task<RunStatus?> StatusAsync(long runId) => DatabaseOutage.RideOutAsync(async () =>
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("select status from runs where id = @runId", new { runId }) is { } status
            ? JsonNames.Parse<RunStatus>(status)
            : (RunStatus?)null;
    }, logger, $"the status of run {runId}");

    private Task<bool> Finish(RunAssignment run, string sql, object parameters) =>
        DatabaseOutage.RideOutAsync(() => FinishOnce(run, sql, parameters), logger, $"the result of run {run.RunId}");

    private async Task<bool> FinishOnce(RunAssignment run, string sql, object parameters)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await LockBatchOfRun(connection, tx, run.RunId, CancellationToken.None);
        if (await connection.ExecuteAsync(sql, parameters, tx) != 1)
            return false;
        await SequentialLooks.TakeDueAsync(connection, tx, run.BatchId, CancellationToken.None);
        await FinishBatchIfDone(connection, tx, run.BatchId, CancellationToken.None);
        await tx.CommitAsync();
        return true;
    }

    private static Task<long?> LockBatchOfRun(NpgsqlConnection connection, IDbTransaction tx, long runId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "select b.id from batches b join runs r on r.batch_id = b.id where r.id = @runId for update of b", new { runId }, tx, cancellationToken: ct));

    /// <summary>When no run of the batch is left to do: completed if any run succeeded, failed otherwise (a cancelled batch stays cancelled).</summary>
    internal static Task FinishBatchIfDone(NpgsqlConnection connection, IDbTransaction tx, long batchId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            update batches b
            set status = case when exists (select 1 from runs where batch_id = b.id and status = {SqlNames.Succeeded}) then {SqlNames.Completed} else {SqlNames.Failed} end,
                finished_at = now()
            where b.id = @batchId and b.status in {SqlNames.Active}
              and not exists (select 1 from runs where batch_id = b.id and status in {SqlNames.Active})
            """, new { batchId }, tx, cancellationToken: ct));
}
