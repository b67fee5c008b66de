using System.Diagnostics;
using System.Text;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>
/// One trace from <c>POST /batches</c> through the Hangfire job to the worker's run: the submission's span is stored on
/// every run, each attempt's span in the worker is its child, and both processes export to the OTLP endpoint they are given.
/// </summary>
public sealed class TracingTests() : ApiTestBase(Exporting)
{
    private static readonly OtlpReceiver Collector = new();

    private static readonly Dictionary<string, string> Exporting = new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    [Fact]
    public async Task A_batch_is_one_trace_from_its_request_to_every_run()
    {
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/batches")
            { Content = new StringContent(TinySpec.Of("traced", seeds: 2), Encoding.UTF8, "application/json") };
        request.Headers.Add("traceparent", $"00-{trace}-{caller}-01");
        using var response = await Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var parent = await Db.ScalarAsync<string>("select string_agg(distinct coalesce(trace_parent, 'none'), ' ') from runs");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", parent); // one context, on every run
        var fields = parent!.Split('-');
        Assert.Equal(trace.ToHexString(), fields[1]); // the caller's trace continues
        Assert.NotEqual(caller.ToHexString(), fields[2]); // under the API's own submission span
        var submission = Convert.FromHexString(fields[2]);

        await using var worker = ChildProcess.StartWorker(Db.ConnectionString, Exporting);
        await Eventually.Holds("the batch to finish", async () => await Db.ScalarAsync<string>("select status from batches") is not ("queued" or "running"),
            TimeSpan.FromMinutes(2), () => worker.AllOutput);

        var traceBytes = Convert.FromHexString(trace.ToHexString());
        bool Exported(string service, byte[] mustHold, string name) => Collector.Bodies("/v1/traces").Any(body =>
            Holds(body, Encoding.UTF8.GetBytes(service)) && Holds(body, traceBytes) && Holds(body, mustHold) && Holds(body, Encoding.UTF8.GetBytes(name)));
        await Eventually.Holds("the API's and the worker's spans of the batch", () => Exported("runner-api", submission, "batch submit") && Exported("runner-worker", submission, "run"),
            TimeSpan.FromMinutes(1), () => $"{Collector.Bodies("/v1/traces").Count} trace exports, none with the batch's spans\n{worker.AllOutput}");
    }

    private static bool Holds(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;
}
