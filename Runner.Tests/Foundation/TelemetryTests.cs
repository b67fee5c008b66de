using System.Net;
using System.Text.RegularExpressions;
using Runner.Tests.Hardening;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>
/// OpenTelemetry metrics in Prometheus's text format: the API's at /prometheus (queue depth, runs by status, live
/// workers, its HTTP server), a worker's on its own port (runs started and finished, heartbeats), moving as a batch runs.
/// The API whose counters are read runs as a process: Runner's meter is process-wide (RunnerMetrics), so an API in the
/// test process would also count what every other test's API in it measures.
/// </summary>
public sealed class TelemetryTests
{
    private static readonly string Spec = TinySpec.Of("measured", seeds: 2);

    [Fact]
    public async Task The_api_and_a_worker_are_scraped_and_their_counters_move_as_a_batch_runs()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = await ApiProcess.StartAsync(db.ConnectionString);
        using var client = new HttpClient { BaseAddress = new Uri(api.Url) };
        var before = await client.GetStringAsync("/prometheus");
        Assert.Null(Value(before, "runner_queue_depth", "queue=\"cpu-2-normal\""));

        var submitted = await HardeningClient.PostAsync(client, "/batches", Spec);
        Assert.True(submitted.Response.IsSuccessStatusCode, submitted.ToString());
        var id = submitted.Json!["batch"]!["id"]!.GetValue<long>();
        await Task.Delay(1100); // the database gauges are read once a second at most
        var queued = await client.GetStringAsync("/prometheus");
        Assert.Equal(2, Value(queued, "runner_queue_depth", "queue=\"cpu-2-normal\""));
        Assert.Equal(2, Value(queued, "runner_runs", "status=\"queued\""));
        Assert.Contains("http_server_request_duration_seconds", queued); // ASP.NET Core's own instrumentation

        var port = FreePort.Next();
        await using var worker = ChildProcess.StartWorker(db.ConnectionString, new Dictionary<string, string> { ["Worker__MetricsPort"] = port.ToString() });
        await Eventually.BatchFinished(db, id, TimeSpan.FromMinutes(2), () => worker.AllOutput);

        using var scraper = new HttpClient();
        var own = await scraper.GetStringAsync($"http://localhost:{port}/metrics");
        Assert.Equal(2, Value(own, "runner_runs_started_total", "device=\"cpu\""));
        Assert.Equal(2, Value(own, "runner_runs_finished_total", "status=\"succeeded\""));
        Assert.Equal(2, Value(own, "runner_run_duration_seconds_count", "status=\"succeeded\""));
        Assert.Equal(2, Value(own, "runner_run_queue_wait_seconds_count", "device=\"cpu\""));
        Assert.True(Value(own, "runner_worker_heartbeats_total") >= 1, own);
        var memory = Value(own, "runner_device_memory_usage_bytes", "device=\"cpu\"");
        Assert.True(memory > 100 << 20 && memory <= Value(own, "runner_device_memory_limit_bytes", "device=\"cpu\""), own);

        await Task.Delay(1100);
        var done = await client.GetStringAsync("/prometheus");
        Assert.Equal(2, Value(done, "runner_runs", "status=\"succeeded\""));
        Assert.Null(Value(done, "runner_queue_depth", "queue=\"cpu-2-normal\""));
        Assert.Equal(1, Value(done, "runner_workers_alive"));

        await client.GetStringAsync($"/batches/{id}/analysis");
        await Task.Delay(1100); // past the exporter's cache of the last scrape
        var analysed = await client.GetStringAsync("/prometheus");
        Assert.True(Value(analysed, "runner_analysis_duration_seconds_count") == 1, analysed);
    }

    [Fact]
    public async Task The_scrape_needs_the_key_from_outside_this_machine()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        await using var api = new ApiFactory(db.ConnectionString); // the test server's requests come from outside
        using var anonymous = api.CreateClient();
        using var client = api.CreateClientWithKey();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/prometheus")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/prometheus")).StatusCode);
    }

    /// <summary>The value of the series named <paramref name="name"/> whose labels include <paramref name="label"/>; null when there is none.</summary>
    private static double? Value(string text, string name, string? label = null)
    {
        foreach (Match m in Regex.Matches(text, $@"^{Regex.Escape(name)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)", RegexOptions.Multiline))
            if (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
                return double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }
}
