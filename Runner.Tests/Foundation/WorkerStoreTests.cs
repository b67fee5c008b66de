using Npgsql;
using Runner.Core.Devices;
using Runner.Core.Workers;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

public sealed class WorkerStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);
    private TestDatabase _db = null!;
    private NpgsqlDataSource _source = null!;
    private WorkerStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
        _source = NpgsqlDataSource.Create(_db.ConnectionString);
        _store = new WorkerStore(_source);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static WorkerIdentity Identity() =>
        WorkerIdentity.ForThisProcess(WorkerDevice.Cpu, new DeviceDescription("cpu", DeviceKind.Cpu, "test cpu", false, "0.107.0", "2.10.0", 2));

    private async Task<WorkerRecord> Find(Guid id, string? status = null) =>
        Assert.Single(await _store.ListAsync(LostAfter, status, default), w => w.Id == id);

    [Fact]
    public async Task A_registered_worker_is_alive_with_its_device_and_versions()
    {
        var worker = Identity();
        await _store.RegisterAsync(worker, default);

        var row = await Find(worker.Id);
        Assert.Equal(WorkerStatus.Alive, row.Status);
        Assert.Equal(["cpu", "cpu-1-high", "cpu-2-normal", "cpu-3-low"], row.Queues);
        Assert.Equal(("cpu", "cpu", "test cpu", "0.107.0", "2.10.0", 2), (row.DeviceKind, row.Device, row.DeviceName, row.TorchsharpVersion, row.LibtorchVersion, row.Threads));
        Assert.Equal(Environment.ProcessId, row.ProcessId);
    }

    [Fact]
    public async Task A_stale_heartbeat_makes_the_worker_lost_and_a_fresh_one_brings_it_back()
    {
        var worker = Identity();
        await _store.RegisterAsync(worker, default);
        await _db.ExecuteAsync($"update workers set heartbeat_at = now() - interval '31 seconds' where id = '{worker.Id}'");

        Assert.Equal(WorkerStatus.Lost, (await Find(worker.Id)).Status);
        Assert.Single(await _store.ListAsync(LostAfter, WorkerStatus.Lost, default));
        Assert.Empty(await _store.ListAsync(LostAfter, WorkerStatus.Alive, default));

        Assert.True(await _store.HeartbeatAsync(worker.Id, default));
        Assert.Equal(WorkerStatus.Alive, (await Find(worker.Id)).Status);
    }

    [Fact]
    public async Task A_stopped_worker_stays_stopped_and_takes_no_heartbeat()
    {
        var worker = Identity();
        await _store.RegisterAsync(worker, default);
        await _store.MarkStoppedAsync(worker.Id, default);

        Assert.False(await _store.HeartbeatAsync(worker.Id, default));
        var row = await Find(worker.Id, WorkerStatus.Stopped);
        Assert.NotNull(row.StoppedAt);
    }
}
