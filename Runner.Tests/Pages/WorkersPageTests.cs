using System.Text.RegularExpressions;
using Runner.Api.Pages;
using Runner.Core.Workers;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Pages;

/// <summary>The workers page: each worker with its status, device, current run and heartbeat; the queues' depths; names encoded.</summary>
public sealed class WorkersPageTests : ApiTestBase
{
    private static WorkerRecord Worker(string name, string status, double age) => new()
    {
        Id = Guid.NewGuid(), Name = name, Status = status, Device = "cpu", DeviceName = "AMD EPYC (2 logical cores)", Queues = ["cpu", "cpu-2-normal"],
        TorchsharpVersion = "0.107.0", LibtorchVersion = "2.10.0", Threads = 2, HeartbeatAgeSeconds = age, HeartbeatAt = DateTime.UtcNow,
    };

    [Fact]
    public void Each_worker_shows_its_run_status_and_heartbeat_and_the_queues_their_depth()
    {
        var busy = Worker("cpu@vm:1", WorkerStatus.Alive, 2);
        var lost = Worker("cpu@vm:<script>", WorkerStatus.Lost, 300);
        var run = new WorkerRun { WorkerId = busy.Id, RunId = 42, BatchId = 7, Batch = "ema <study>", Arm = "no-ema", Seed = 3, StepsDone = 12, StepsTotal = 40 };

        var html = PageHtml.Render<WorkersPage>("Model", new WorkersPageModel([busy, lost], new Dictionary<Guid, WorkerRun> { [busy.Id] = run }, [("cpu-2-normal", 5)]));

        Assert.Contains("<a href=\"/ui/runs/42\">run 42</a> of <a href=\"/ui/batches/7\">ema &lt;study&gt;</a> · no-ema · seed 3 · 12/40 steps", html);
        Assert.Contains("cpu@vm:&lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("<span class=\"muted\">idle</span>", html);
        Assert.Contains(">2 s ago<", html);
        Assert.Contains(">5 min ago<", html);
        Assert.Matches("<td>cpu-2-normal</td><td class=\"num\">5</td>", html);
    }

    [Fact]
    public async Task The_workers_page_is_served_with_the_queues_of_waiting_jobs()
    {
        using var submitted = await Client.PostAsync("/batches", new StringContent(Hardening.HardeningClient.TinyBatch, System.Text.Encoding.UTF8, "application/json"));
        submitted.EnsureSuccessStatusCode();

        var html = await Client.GetStringAsync("/ui/workers");

        Assert.Matches(new Regex("<td>cpu-2-normal</td><td class=\"num\">2</td>"), html);
    }
}
