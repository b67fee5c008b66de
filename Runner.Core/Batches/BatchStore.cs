using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Hangfire;
using Npgsql;
using Runner.Core.Database;
using Runner.Core.Factorial;
using Runner.Core.Queueing;
using Runner.Core.Recipes;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>Batches, arms and runs: creation in one transaction, cancellation, and the queries behind the API.</summary>
public sealed class BatchStore(NpgsqlDataSource db, QueueOptions queueOptions, JobStorage jobs)
{
    private const string BatchColumns = """
        b.id, b.name, b.status, b.seeds, b.baseline, b.metric, b.level, b.margin, b.queue, b.priority, b.data, b.factorial::text as Factorial,
        b.created_at as CreatedAt, b.started_at as StartedAt, b.finished_at as FinishedAt, b.cancelled_at as CancelledAt,
        b.correction, b.test,
        c.Total, c.Queued, c.Running, c.Succeeded, c.Failed, c.Cancelled
        """;

    // One pass over a batch's runs for all its counts; joined as "c" wherever BatchColumns is selected.
    private const string RunCountsJoin = $"""
        cross join lateral (
            select count(*)::int as Total,
                   (count(*) filter (where r.status = {SqlNames.Queued}))::int as Queued,
                   (count(*) filter (where r.status = {SqlNames.Running}))::int as Running,
                   (count(*) filter (where r.status = {SqlNames.Succeeded}))::int as Succeeded,
                   (count(*) filter (where r.status = {SqlNames.Failed}))::int as Failed,
                   (count(*) filter (where r.status = {SqlNames.Cancelled}))::int as Cancelled
            from runs r where r.batch_id = b.id) c
        """;

    private const string RunColumns = """
        r.id, r.batch_id as BatchId, a.name as Arm, a.is_baseline as IsBaseline, r.seed, r.position, r.status, r.attempt, r.job_id as JobId,
        r.worker_name as WorkerName, r.device, r.device_name as DeviceName, r.torchsharp_version as TorchsharpVersion,
        r.libtorch_version as LibtorchVersion, r.threads, r.data, r.steps_done as StepsDone, r.steps_total as StepsTotal,
        r.queued_at as QueuedAt, r.started_at as StartedAt, r.first_step_seconds as FirstStepSeconds, r.finished_at as FinishedAt, r.test_accuracy as TestAccuracy,
        r.tta_accuracy as TtaAccuracy, r.train_loss as TrainLoss, r.train_accuracy as TrainAccuracy, r.training_seconds as TrainingSeconds,
        r.total_seconds as TotalSeconds, r.steps, r.recipe_hash as RecipeHash, r.error, r.stop_reason as StopReason,
        r.precision, r.numerics, r.error_kind as ErrorKind
        """;

    /// <summary>
    /// Stores the batch, its arms, every run and every run's enqueued Hangfire job (<see cref="HangfireJobRows"/>) in
    /// one transaction. With an idempotency key already used, nothing is written and the earlier batch's id
    /// is returned with <c>Created = false</c>. Each run keeps <paramref name="traceParent"/>, the submission's trace
    /// context, for its attempts' spans.
    /// </summary>
    public async Task<(long BatchId, bool Created, string? StoredHash)> CreateAsync(
        BatchPlan plan, JsonNode spec, string? idempotencyKey, string requestHash, string? traceParent, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var batchId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            insert into batches (name, spec, seeds, baseline, metric, level, margin, correction, test, queue, priority, data, idempotency_key, request_hash, sequential, factorial)
            values (@Name, @Spec::jsonb, @Seeds, @Baseline, @Metric, @Level, @Margin, @Correction, @Test, @Queue, @Priority, @Data, @idempotencyKey, @requestHash, @Sequential::jsonb, @Factorial::jsonb)
            on conflict (idempotency_key) do nothing
            returning id
            """,
            new
            {
                plan.Name, Spec = spec.ToJsonString(), Seeds = plan.Seeds.ToArray(), plan.Baseline, Metric = plan.Metric.Name, plan.Level, plan.Margin,
                Correction = JsonNames.Of(plan.Correction), Test = JsonNames.Of(plan.Test),
                plan.Queue, Priority = JsonNames.Of(plan.Priority), plan.Data, idempotencyKey, requestHash,
                Sequential = plan.Sequential is { } design ? SequentialLooks.DesignJson(design) : null,
                Factorial = plan.Factorial?.ToJson().ToJsonString(),
            }, tx, cancellationToken: ct));
        if (batchId is null)
        {
            var existing = await connection.QuerySingleAsync<(long Id, string Hash)>(new CommandDefinition(
                "select id, request_hash from batches where idempotency_key = @idempotencyKey", new { idempotencyKey }, tx, cancellationToken: ct));
            return (existing.Id, false, existing.Hash);
        }

        var armIds = new Dictionary<string, long>();
        for (var i = 0; i < plan.Arms.Count; i++)
        {
            var arm = plan.Arms[i];
            armIds[arm.Name] = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                insert into arms (batch_id, position, name, is_baseline, variant, recipe, recipe_hash)
                values (@batchId, @i, @Name, @IsBaseline, @Variant::jsonb, @Recipe, @Hash) returning id
                """,
                new
                {
                    batchId, i, arm.Name, arm.IsBaseline, Variant = JsonSerializer.Serialize(arm.Variant, RecipeJson.Options),
                    Recipe = RecipeJson.Canonical(arm.Recipe), Hash = RecipeJson.Hash(arm.Recipe),
                }, tx, cancellationToken: ct));
        }

        var runs = plan.Runs;
        var jobIds = await HangfireJobRows.ReserveIdsAsync(connection, tx, queueOptions.SchemaName, runs.Count, ct);
        var created = (await connection.QueryAsync<(long Id, int Position)>(new CommandDefinition("""
            insert into runs (batch_id, arm_id, seed, position, recipe, recipe_hash, job_id, trace_parent)
            select @batchId, a.id, s.seed, s.position, a.recipe, a.recipe_hash, s.job_id::text, @traceParent
            from unnest(@armIds, @seeds, @positions, @jobIds) with ordinality as s(arm_id, seed, position, job_id, n)
            join arms a on a.id = s.arm_id
            order by s.n
            returning id, position
            """,
            new
            {
                batchId, armIds = runs.Select(r => armIds[r.Arm.Name]).ToArray(), seeds = runs.Select(r => r.Seed).ToArray(),
                positions = runs.Select(r => r.Position).ToArray(), jobIds, traceParent,
            }, tx, cancellationToken: ct))).ToDictionary(r => r.Position, r => r.Id);
        var queue = JobQueues.ForPriority(plan.Queue, plan.Priority);
        await HangfireJobRows.InsertAsync(connection, tx, queueOptions.SchemaName,
            runs.Select(r => new RunToEnqueue(created[r.Position], plan.Name, r.Arm.Name, r.Seed, queue)).ToList(), jobIds, ct);
        await tx.CommitAsync(ct);
        return (batchId.Value, true, requestHash);
    }

    /// <summary>
    /// Runs whose worker is lost (no heartbeat for <paramref name="lostAfter"/>: killed, out of memory, its machine
    /// gone) go back to the head of their queue at once. Their jobs' queue entries are released (fetched-at cleared)
    /// and idle workers woken: Hangfire.PostgreSql serves released entries before those whose invisibility timeout ran
    /// out, by queue, then job id, so the run is taken before the runs queued after it, instead of after the whole
    /// queue once the timeout expires. Only an entry silent as long as the worker is released: one fetched moments
    /// ago is a new worker's, about to claim the run. A lost worker's run whose job has no queue entry left (its
    /// job finished under a superseded attempt) gets a new job. A worker that still beats, however slow, keeps its
    /// runs; the run's attempt fencing keeps its result stored once even if a lost worker comes back. Returns the
    /// runs released or enqueued again.
    /// </summary>
    public async Task<int> ReleaseRunsOfLostWorkersAsync(TimeSpan lostAfter, CancellationToken ct)
    {
        var schema = queueOptions.SchemaName;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var released = await connection.ExecuteAsync(new CommandDefinition($"""
            update "{schema}".jobqueue q set fetchedat = null
            from runs r join workers w on w.id = r.worker_id
            where r.status = {SqlNames.Running} and w.heartbeat_at < now() - @lostAfter
              and q.jobid = r.job_id::bigint and q.fetchedat < now() - @lostAfter
            """, new { lostAfter }, tx, cancellationToken: ct));
        var orphaned = (await connection.QueryAsync<RunWithoutJob>(new CommandDefinition($"""
            select r.id, b.name as Batch, a.name as Arm, r.seed, b.queue, b.priority
            from runs r join arms a on a.id = r.arm_id join batches b on b.id = r.batch_id join workers w on w.id = r.worker_id
            where r.status = {SqlNames.Running} and w.heartbeat_at < now() - @lostAfter
              and not exists (select 1 from "{schema}".jobqueue q where q.jobid = r.job_id::bigint)
            order by r.batch_id, r.position
            for update of r skip locked
            """, new { lostAfter }, tx, cancellationToken: ct))).ToList();
        await EnqueueAgainAsync(connection, tx, orphaned, ct);
        if (released > 0)
            await connection.ExecuteAsync(new CommandDefinition("notify new_job", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return released + orphaned.Count;
    }

    private sealed record RunWithoutJob(long Id, string Batch, string Arm, long Seed, string Queue, Priority Priority);

    /// <summary>A new enqueued job for each run, in the order given, its id stored on the run (in the caller's transaction).</summary>
    private async Task EnqueueAgainAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<RunWithoutJob> runs, CancellationToken ct)
    {
        if (runs.Count == 0)
            return;
        var schema = queueOptions.SchemaName;
        var jobIds = await HangfireJobRows.ReserveIdsAsync(connection, tx, schema, runs.Count, ct);
        await HangfireJobRows.InsertAsync(connection, tx, schema,
            runs.Select(r => new RunToEnqueue(r.Id, r.Batch, r.Arm, r.Seed, JobQueues.ForPriority(r.Queue, r.Priority))).ToList(), jobIds, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            update runs r set job_id = j.job_id::text from unnest(@runIds, @jobIds) as j(run_id, job_id) where r.id = j.run_id
            """, new { runIds = runs.Select(r => r.Id).ToArray(), jobIds }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// Queued runs that no live Hangfire job will ever execute: whose job is gone, deleted (the dashboard's
    /// Delete button), failed or finished while the run still waits, or that have none (stored before jobs
    /// were written with their runs). Each gets a new enqueued job in the same transaction, in run order,
    /// under row locks so two APIs never both repair one.
    /// </summary>
    public async Task<int> RepairMissingJobsAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var schema = queueOptions.SchemaName;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var missing = (await connection.QueryAsync<RunWithoutJob>(new CommandDefinition($"""
            select r.id, b.name as Batch, a.name as Arm, r.seed, b.queue, b.priority
            from runs r join arms a on a.id = r.arm_id join batches b on b.id = r.batch_id
            left join "{schema}".job j on j.id = r.job_id::bigint
            where r.status = {SqlNames.Queued} and r.queued_at < now() - @olderThan
              and (j.id is null or j.statename is null or j.statename not in ('Enqueued', 'Processing', 'Scheduled', 'Awaiting'))
            order by r.batch_id, r.position
            for update of r skip locked
            """, new { olderThan }, tx, cancellationToken: ct))).ToList();
        await EnqueueAgainAsync(connection, tx, missing, ct);
        await tx.CommitAsync(ct);
        return missing.Count;
    }

    public async Task<BatchRecord?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await Query(connection, $"select {BatchColumns} from batches b {RunCountsJoin} where b.id = @id", new { id }, ct)).SingleOrDefault();
    }

    /// <summary>Newest first, filtered by status and by a case-insensitive part of the name.</summary>
    public async Task<(IReadOnlyList<BatchRecord> Items, int Total)> ListAsync(string? status, string? name, int limit, int offset, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        const string where = "where (@status::text is null or b.status = @status) and (@name::text is null or b.name ilike '%' || @name || '%')";
        var parameters = new { status, name = name?.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_"), limit, offset };
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"select count(*)::int from batches b {where}", parameters, cancellationToken: ct));
        var items = await Query(connection, $"select {BatchColumns} from batches b {RunCountsJoin} {where} order by b.created_at desc, b.id desc limit @limit offset @offset", parameters, ct);
        return (items, total);
    }

    // Dapper parses an enum from text by its C# name and skips type handlers for enums (DapperLib/Dapper#259), so the
    // stored names of the correction and test are read as text and parsed by their own names here.
    private static async Task<IReadOnlyList<BatchRecord>> Query(NpgsqlConnection connection, string sql, object parameters, CancellationToken ct) =>
        (await connection.QueryAsync<BatchRecord, StoredNames, RunCounts, BatchRecord>(new CommandDefinition(sql, parameters, cancellationToken: ct),
            (batch, names, counts) => batch with
            {
                Correction = JsonNames.Parse<Correction>(names.Correction), Test = JsonNames.Parse<UnpairedTest>(names.Test), Runs = counts,
            }, splitOn: "correction,Total")).ToList();

    private sealed record StoredNames(string Correction, string Test);

    public async Task<BatchDetail?> DetailAsync(long id, CancellationToken ct)
    {
        if (await GetAsync(id, ct) is not { } batch)
            return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        var arms = (await connection.QueryAsync<ArmRecord>(new CommandDefinition("""
            select name, is_baseline as IsBaseline, recipe_hash as RecipeHash, variant::text as VariantJson, recipe as RecipeJson,
                   decision, decided_at_look as DecidedAtLook
            from arms where batch_id = @id order by position
            """, new { id }, cancellationToken: ct))).ToList();
        var spec = await connection.ExecuteScalarAsync<string>(new CommandDefinition("select spec::text from batches where id = @id", new { id }, cancellationToken: ct));
        var times = (await connection.QueryAsync<(RunStatus Status, double Seconds, double? StepFraction)>(new CommandDefinition($"""
            select status, extract(epoch from coalesce(finished_at, now()) - started_at)::float8,
                   case when steps_total > 0 then steps_done::float8 / steps_total end
            from runs where batch_id = @id and started_at is not null and status in ({SqlNames.Running}, {SqlNames.Succeeded})
            """, new { id }, cancellationToken: ct))).ToList();
        var progress = BatchProgressEstimate.For(batch.Runs, times.Where(t => t.Status == RunStatus.Succeeded).Select(t => t.Seconds).ToList(),
            times.Where(t => t.Status == RunStatus.Running).Select(t => new RunningRun(t.Seconds, t.StepFraction)).ToList());
        int? ahead = batch.Runs.Queued == 0 ? null : await connection.ExecuteScalarAsync<int>(new CommandDefinition($"""
            select count(*)::int from runs r join batches b on b.id = r.batch_id
            where r.status = {SqlNames.Queued} and b.queue = @Queue and b.id <> @Id
              and (array_position(@priorities, b.priority) < array_position(@priorities, @Priority) or (b.priority = @Priority and b.id < @Id))
            """, new { batch.Id, batch.Queue, Priority = JsonNames.Of(batch.Priority), priorities = JobQueues.PriorityNames }, cancellationToken: ct));
        return new BatchDetail(batch, arms, spec is null ? null : JsonNode.Parse(spec), progress, await SequentialAsync(connection, batch, arms.Count(a => !a.IsBaseline), progress.MeanRunSeconds, ct), ahead,
            batch.Design is { } design ? FactorialDescription.Of(design) : null);
    }

    private static async Task<SequentialProgress?> SequentialAsync(NpgsqlConnection connection, BatchRecord batch, int comparisons, double? meanRunSeconds, CancellationToken ct)
    {
        var id = batch.Id;
        var design = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("select sequential::text from batches where id = @id", new { id }, cancellationToken: ct));
        if (design is null)
            return null;
        var looks = (await connection.QueryAsync<(int Look, int Seeds, DateTime TakenAt, string Arms)>(new CommandDefinition(
            "select look, seeds, taken_at, arms::text from looks where batch_id = @id order by look", new { id }, cancellationToken: ct)))
            .Select(l => new LookRecord(l.Look, l.Seeds, l.TakenAt, SequentialLooks.ReadArms(l.Arms))).ToList();
        var (saved, planned) = await connection.QuerySingleAsync<(int, int)>(new CommandDefinition(
            "select (count(*) filter (where stop_reason is not null))::int, count(*)::int from runs where batch_id = @id", new { id }, cancellationToken: ct));
        return new SequentialProgress(SequentialLooks.Design(design, batch.Level, comparisons), looks, saved, planned, meanRunSeconds * saved);
    }

    /// <summary>The batch's runs in enqueue order, optionally of one arm or status.</summary>
    public async Task<IReadOnlyList<RunRecord>> RunsAsync(long batchId, string? arm, string? status, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await QueryRuns(connection, $"""
            select {RunColumns} from runs r join arms a on a.id = r.arm_id
            where r.batch_id = @batchId and (@arm::text is null or a.name = @arm) and (@status::text is null or r.status = @status)
            order by r.position
            """, new { batchId, arm, status }, ct);
    }

    // As for a batch's correction and test (Query above): a failed run's error kind is read as its stored name and parsed here.
    private static async Task<IReadOnlyList<RunRecord>> QueryRuns(NpgsqlConnection connection, string sql, object parameters, CancellationToken ct) =>
        (await connection.QueryAsync<RunRecord, StoredErrorKind, RunRecord>(new CommandDefinition(sql, parameters, cancellationToken: ct),
            (run, stored) => run with { ErrorKind = stored?.ErrorKind is { } kind ? JsonNames.Parse<RunErrorKind>(kind) : null }, splitOn: "ErrorKind")).ToList();

    private sealed record StoredErrorKind(string? ErrorKind);

    public async Task<RunDetail?> RunAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var run = (await QueryRuns(connection, $"select {RunColumns} from runs r join arms a on a.id = r.arm_id where r.id = @id", new { id }, ct)).SingleOrDefault();
        if (run is null)
            return null;
        var recipe = await connection.ExecuteScalarAsync<string>(new CommandDefinition("select recipe from runs where id = @id", new { id }, cancellationToken: ct));
        var epochs = (await connection.QueryAsync<BatchEpoch>(new CommandDefinition(
            $"{EpochsQuery} where r.id = @id order by e.epoch", new { id }, cancellationToken: ct))).ToList();
        var recipeNode = JsonNode.Parse(recipe!);
        var totalEpochs = RecipeJson.EpochCount(recipeNode);
        return new RunDetail(run, recipeNode, epochs.Select(e => e.ToMetrics(totalEpochs)).ToList());
    }

    private const string EpochsQuery = """
        select r.batch_id as BatchId, r.id as RunId, a.name as Arm, r.seed, r.status, e.attempt, e.epoch, e.train_loss as TrainLoss,
               e.train_accuracy as TrainAccuracy, e.test_accuracy as TestAccuracy, e.learning_rate as LearningRate,
               e.epoch_seconds as EpochSeconds, e.training_seconds as TrainingSeconds
        from epochs e join runs r on r.id = e.run_id join arms a on a.id = r.arm_id
        """;

    /// <summary>Every stored epoch of the batch's runs (the current attempt's only: the claim clears the others), in run order.</summary>
    public async Task<IReadOnlyList<BatchEpoch>> EpochRowsAsync(long batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BatchEpoch>(new CommandDefinition(
            $"{EpochsQuery} where r.batch_id = @batchId order by r.position, e.epoch", new { batchId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The per-epoch metrics of the batch's succeeded and running runs, for curves per arm.</summary>
    public async Task<IReadOnlyList<EpochPoint>> EpochsAsync(long batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<EpochPoint>(new CommandDefinition($"""
            select a.name as Arm, r.id as RunId, e.epoch, e.test_accuracy as TestAccuracy, e.train_loss as TrainLoss
            from epochs e join runs r on r.id = e.run_id join arms a on a.id = r.arm_id
            where r.batch_id = @batchId and r.status in ({SqlNames.Succeeded}, {SqlNames.Running})
            order by a.position, e.epoch, r.id
            """, new { batchId }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Cancels a batch: the batch, every run not yet finished and those runs' Hangfire jobs (<see cref="HangfireJobRows.DeleteAsync"/>)
    /// in one transaction, a statement per table whatever the batch's size. A running run stops within seconds (its
    /// job's Deleted state cancels it, and its next progress write finds the run cancelled). Finished runs stay as they are.
    /// </summary>
    public async Task<(bool Found, bool Changed)> CancelAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select status from batches where id = @id for update", new { id }, tx, cancellationToken: ct));
        if (status is null)
            return (false, false);
        if (Statuses.BatchStatusNamed(status)?.IsActive() != true)
            return (true, false);
        await connection.ExecuteAsync(new CommandDefinition(
            $"update batches set status = {SqlNames.Cancelled}, cancelled_at = now(), finished_at = now() where id = @id", new { id }, tx, cancellationToken: ct));
        var jobIds = (await connection.QueryAsync<string?>(new CommandDefinition($"""
            update runs set status = {SqlNames.Cancelled}, finished_at = now() where batch_id = @id and status in {SqlNames.Active} returning job_id
            """, new { id }, tx, cancellationToken: ct))).OfType<string>().Select(long.Parse).ToList();
        await HangfireJobRows.DeleteAsync(connection, tx, queueOptions.SchemaName, jobIds, jobs.JobExpirationTimeout, ct);
        await tx.CommitAsync(ct);
        return (true, true);
    }

    /// <summary>Per arm, the devices and precisions its finished runs ran on (runs stored before precision was recorded count as fp32).</summary>
    public async Task<IReadOnlyList<RunProvenance>> ProvenanceAsync(long batchId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RunProvenance>(new CommandDefinition($"""
            select a.name as Arm, coalesce(r.device_name, r.device, 'unknown') as Device, coalesce(r.precision, 'fp32') as Precision, count(*)::int as Runs
            from runs r join arms a on a.id = r.arm_id
            where r.batch_id = @batchId and r.status = {SqlNames.Succeeded}
            group by a.position, a.name, 2, 3 order by a.position, 2, 3
            """, new { batchId }, cancellationToken: ct))).ToList();
    }

    /// <summary>The metric's values per arm (in arm order, with seeds for pairing) and the counts of failed and cancelled runs.</summary>
    public async Task<IReadOnlyList<ArmSamples>> SamplesAsync(long batchId, Metric metric, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Arm, int Position, RunStatus? Status, long? Seed, double? Value)>(new CommandDefinition($"""
            select a.name, a.position, r.status, r.seed, r.{metric.Column}
            from arms a left join runs r on r.arm_id = a.id and r.status in ({SqlNames.Succeeded}, {SqlNames.Failed}, {SqlNames.Cancelled})
            where a.batch_id = @batchId
            order by a.position, r.seed
            """, new { batchId }, cancellationToken: ct));
        return rows.GroupBy(r => (r.Arm, r.Position)).OrderBy(g => g.Key.Position).Select(g =>
        {
            var succeeded = g.Where(r => r.Status == RunStatus.Succeeded).ToList();
            return new ArmSamples(g.Key.Arm, succeeded.Select(r => r.Value).ToList(), succeeded.Select(r => r.Seed!.Value).ToList(),
                g.Count(r => r.Status == RunStatus.Failed), g.Count(r => r.Status == RunStatus.Cancelled));
        }).ToList();
    }
}
