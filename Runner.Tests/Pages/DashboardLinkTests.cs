using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Pages;

/// <summary>The jobs dashboard and the pages are connected both ways.</summary>
public sealed class DashboardLinkTests : ApiTestBase
{
    [Fact]
    public async Task A_runs_job_links_to_the_runs_page()
    {
        var id = await SubmitBatchAsync("""{"name": "linked", "base": {"preset": "tta"}, "seeds": 1, "queue": "gpu"}""");
        var run = (await Client.GetFromJsonAsync<JsonArray>($"/batches/{id}/runs"))![0]!;

        var job = await Client.GetStringAsync($"/hangfire/jobs/details/{run["jobId"]!.GetValue<string>()}");

        Assert.Contains($"<a href=\"/ui/runs/{run["id"]!.GetValue<long>()}\">Run {run["id"]!.GetValue<long>()}:", job);
        var back = await Client.GetStringAsync("/hangfire");
        Assert.Contains("href=\"/ui/batches\"", back); // the dashboard's "back to site"
    }
}
