using Dapper;
using Npgsql;
using Runner.Core.Devices;

namespace Runner.Core.Workers;

public sealed class ProbeStore(NpgsqlDataSource db)
{
    public async Task<long> CreateAsync(string queue, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "insert into probes (queue) values (@queue) returning id", new { queue }, cancellationToken: ct));
    }

    public async Task AttachJobAsync(long probeId, string jobId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update probes set job_id = @jobId where id = @probeId", new { probeId, jobId }, cancellationToken: ct));
    }

    /// <summary>Claims the probe for a worker; false when it already has a result (a re-delivered job).</summary>
    public async Task<bool> StartAsync(long probeId, WorkerIdentity worker, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.ExecuteAsync(new CommandDefinition("""
            update probes set status = 'running', started_at = now(), worker_id = @WorkerId, device = @Device, device_name = @DeviceName,
                              error = null
            where id = @probeId and status in ('queued', 'running', 'failed')
            """,
            new { probeId, WorkerId = worker.Id, Device = worker.Device.ToString(), DeviceName = worker.Description.Name },
            cancellationToken: ct));
        return rows == 1;
    }

    /// <summary>Stores the result once: a second completion of the same probe changes nothing.</summary>
    public async Task CompleteAsync(long probeId, ProbeMeasurement m, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            update probes set status = 'succeeded', finished_at = now(), matrix_size = @MatrixSize, repeats = @Repeats,
                              seconds = @Seconds, gflops = @Gflops
            where id = @probeId and status = 'running'
            """,
            new { probeId, m.MatrixSize, m.Repeats, m.Seconds, m.Gflops }, cancellationToken: ct));
    }

    public async Task FailAsync(long probeId, string error, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update probes set status = 'failed', finished_at = now(), error = @error where id = @probeId and status <> 'succeeded'",
            new { probeId, error }, cancellationToken: ct));
    }

    public async Task<ProbeRecord?> GetAsync(long probeId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ProbeRecord>(new CommandDefinition("""
            select id, queue, job_id as JobId, status, requested_at as RequestedAt, started_at as StartedAt, finished_at as FinishedAt,
                   worker_id as WorkerId, device, device_name as DeviceName, matrix_size as MatrixSize, repeats, seconds, gflops, error
            from probes where id = @probeId
            """,
            new { probeId }, cancellationToken: ct));
    }
}
