using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Runner.Core.Workers;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>The whole path for real: API → Hangfire (PostgreSQL) → a worker process → PostgreSQL → API.</summary>
public sealed class ProbeRoundTripTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private TestDatabase _db = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
        _api = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Workers:LostAfterSeconds"] = "3" });
        _client = _api.CreateClientWithKey();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<WorkerRecord[]> Workers(string query = "") =>
        (await _client.GetFromJsonAsync<WorkerRecord[]>($"/workers{query}"))!;

    private async Task<ProbeRecord> Probe(long id) => (await _client.GetFromJsonAsync<ProbeRecord>($"/workers/probes/{id}"))!;

    private Task<ProbeRecord> WaitForProbe(long id, Func<ProbeRecord, bool> condition, TimeSpan timeout) =>
        Eventually.Reads($"probe {id} to reach the state", () => Probe(id), condition, timeout);

    [Fact]
    public async Task A_probe_runs_on_the_registered_worker_and_its_result_is_stored()
    {
        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        await worker.WaitForOutputAsync("registered", StartTimeout);

        var registered = Assert.Single(await Workers());
        Assert.Equal((WorkerStatus.Alive, "cpu", worker.Id), (registered.Status, registered.Device, registered.ProcessId));
        Assert.StartsWith(RestoredPackages.LibTorchCpu, registered.LibtorchVersion);
        Assert.Equal(RestoredPackages.TorchSharp, registered.TorchsharpVersion);
        Assert.Equal(1, registered.Threads);

        var response = await _client.PostAsJsonAsync("/workers/probe?wait=30", new { queue = "cpu", matrixSize = 256, repeats = 5 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probe = (await response.Content.ReadFromJsonAsync<ProbeRecord>())!;

        Assert.Equal("succeeded", probe.Status);
        Assert.Equal(registered.Id, probe.WorkerId);
        Assert.Equal((256, 5), (probe.MatrixSize, probe.Repeats));
        Assert.True(probe.Gflops > 0 && probe.Seconds > 0);
        Assert.Equal(probe, await Probe(probe.Id));
    }

    [Fact]
    public async Task A_probe_without_a_worker_stays_queued_until_one_starts()
    {
        var response = await _client.PostAsJsonAsync("/workers/probe", new { matrixSize = 64, repeats = 1 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<ProbeRecord>())!;
        Assert.Equal($"/workers/probes/{queued.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", queued.Status);
        Assert.NotNull(queued.JobId);

        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        var done = await WaitForProbe(queued.Id, p => p.Status == "succeeded", StartTimeout);
        Assert.Equal("succeeded", done.Status);
    }

    [Fact]
    public async Task A_stopped_worker_hands_its_job_back_and_the_next_worker_finishes_it()
    {
        await using var first = ChildProcess.StartWorker(_db.ConnectionString);
        await first.WaitForOutputAsync("registered", StartTimeout);
        var response = await _client.PostAsJsonAsync("/workers/probe", new { matrixSize = 1024, repeats = 150 });
        var id = (await response.Content.ReadFromJsonAsync<ProbeRecord>())!.Id;
        Assert.Equal("running", (await WaitForProbe(id, p => p.Status == "running", StartTimeout)).Status);

        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // Handed back: the job's queue row is there again and no worker holds it (fetchedat cleared).
        var jobId = (await Probe(id)).JobId;
        Assert.Equal(1L, await _db.ScalarAsync<long>($"select count(*) from hangfire.jobqueue where jobid = {jobId} and fetchedat is null"));
        Assert.Equal(WorkerStatus.Stopped, Assert.Single(await Workers()).Status);

        await using var second = ChildProcess.StartWorker(_db.ConnectionString);
        var done = await WaitForProbe(id, p => p.Status == "succeeded", TimeSpan.FromSeconds(120));
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(Assert.Single(await Workers("?status=alive")).Id, done.WorkerId);
    }

    [Fact]
    public async Task A_killed_worker_is_reported_lost_once_its_heartbeat_expires()
    {
        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        await worker.WaitForOutputAsync("registered", StartTimeout);
        Assert.Equal(WorkerStatus.Alive, Assert.Single(await Workers()).Status);

        worker.KillHard();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(4));

        var lost = Assert.Single(await Workers());
        Assert.Equal(WorkerStatus.Lost, lost.Status);
        Assert.Null(lost.StoppedAt);
        Assert.True(lost.HeartbeatAgeSeconds > 3);
    }

    [Fact]
    public async Task Worker_logs_are_json_lines_when_configured()
    {
        await using var worker = ChildProcess.StartWorker(_db.ConnectionString, new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" });
        await worker.WaitForOutputAsync("registered", StartTimeout);

        var line = worker.Stdout.First(l => l.Contains("registered", StringComparison.Ordinal));
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.Equal("Runner.Worker.Serve.WorkerHeartbeat", entry.GetProperty("Category").GetString());
        Assert.Equal("cpu", entry.GetProperty("State").GetProperty("Device").GetString());
    }
}
