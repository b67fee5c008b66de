using Dapper;
using Npgsql;
using Runner.Core.Database;
using Runner.Core.Validation;

namespace Runner.Core.Workers;

public sealed class WorkerStore(NpgsqlDataSource db)
{
    public async Task RegisterAsync(WorkerIdentity worker, CancellationToken ct)
    {
        var d = worker.Description;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into workers (id, name, host, process_id, queues, device_kind, device, device_name, cuda_available,
                                 torchsharp_version, libtorch_version, threads)
            values (@Id, @Name, @Host, @ProcessId, @Queues, @DeviceKind, @Device, @DeviceName, @CudaAvailable,
                    @TorchSharpVersion, @LibTorchVersion, @Threads)
            """,
            new
            {
                worker.Id, worker.Name, worker.Host, worker.ProcessId, Queues = worker.Queues.ToArray(),
                DeviceKind = JsonNames.Of(d.Kind), d.Device, DeviceName = d.Name, d.CudaAvailable,
                d.TorchSharpVersion, d.LibTorchVersion, d.Threads,
            },
            cancellationToken: ct));
    }

    /// <summary>Refreshes the heartbeat; false when the row is gone or marked stopped (the worker should re-register).</summary>
    public async Task<bool> HeartbeatAsync(Guid workerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "update workers set heartbeat_at = now() where id = @workerId and stopped_at is null",
            new { workerId }, cancellationToken: ct));
        return rows == 1;
    }

    public async Task MarkStoppedAsync(Guid workerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update workers set stopped_at = now(), heartbeat_at = now() where id = @workerId and stopped_at is null",
            new { workerId }, cancellationToken: ct));
    }

    /// <summary>Workers newest first; a worker whose heartbeat is older than <paramref name="lostAfter"/> is lost.</summary>
    public async Task<IReadOnlyList<WorkerRecord>> ListAsync(TimeSpan lostAfter, string? status, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<WorkerRecord>(new CommandDefinition("""
            select * from (
                select id, name, host, process_id as ProcessId, queues, device_kind as DeviceKind, device, device_name as DeviceName,
                       cuda_available as CudaAvailable, torchsharp_version as TorchsharpVersion, libtorch_version as LibtorchVersion,
                       threads, started_at as StartedAt, heartbeat_at as HeartbeatAt, stopped_at as StoppedAt,
                       extract(epoch from now() - heartbeat_at)::float8 as HeartbeatAgeSeconds,
                       case when stopped_at is not null then 'stopped'
                            when heartbeat_at > now() - @lostAfter then 'alive'
                            else 'lost' end as Status
                from workers) w
            where @status::text is null or w.Status = @status
            order by w.StartedAt desc
            """,
            new { lostAfter, status }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>The run each worker is executing now, by worker id (with its batch and arm, for the workers page).</summary>
    public async Task<IReadOnlyDictionary<Guid, WorkerRun>> CurrentRunsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<WorkerRun>(new CommandDefinition($"""
            select r.worker_id as WorkerId, r.id as RunId, r.batch_id as BatchId, b.name as Batch, a.name as Arm, r.seed, r.steps_done as StepsDone, r.steps_total as StepsTotal
            from runs r join arms a on a.id = r.arm_id join batches b on b.id = r.batch_id
            where r.status = {SqlNames.Running} and r.worker_id is not null
            """, cancellationToken: ct))).GroupBy(r => r.WorkerId).ToDictionary(g => g.Key, g => g.First());
    }
}

/// <summary>A run a worker is executing.</summary>
public sealed record WorkerRun
{
    public Guid WorkerId { get; init; }
    public long RunId { get; init; }
    public long BatchId { get; init; }
    public string Batch { get; init; } = "";
    public string Arm { get; init; } = "";
    public long Seed { get; init; }
    public long? StepsDone { get; init; }
    public long? StepsTotal { get; init; }
}
