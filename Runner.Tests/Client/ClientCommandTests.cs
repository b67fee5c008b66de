using System.Text.Json.Nodes;
using Runner.Core.Batches;
using Runner.Core.Statistics;
using Runner.Worker.Client;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Client;

/// <summary>The terminal client against a real API process and a worker: submit → watch → analysis, idempotent resubmission, exit codes.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private static readonly string Tiny = TinySpec.Of("client", seeds: 2, more: TinySpec.LeaveOneOutEma);

    private TestDatabase _db = null!;
    private ApiProcess _api = null!;
    private readonly TempFolder _folder = new();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
        _api = await ApiProcess.StartAsync(_db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _folder.Dispose();
        await _db.DisposeAsync();
    }

    private async Task<(int Exit, string Output)> Client(params string[] args)
    {
        await using var client = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", args, new Dictionary<string, string> { ["RUNNER_API_URL"] = _api.Url });
        var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exit, client.AllOutput);
    }

    private string File(string name, string content)
    {
        var path = Path.Combine(_folder.Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task A_batch_file_is_submitted_watched_and_analysed_from_the_terminal_and_resubmitting_it_makes_no_second_batch()
    {
        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        var spec = File("study.json", Tiny);

        var (exit, output) = await Client("submit", spec, "--watch");

        Assert.True(exit == 0, output);
        Assert.Contains("completed: 4 done", output);
        Assert.Contains("Analysis of test-accuracy", output);
        Assert.Contains("no-ema - base", output);
        var (again, second) = await Client("submit", spec);
        Assert.Equal(0, again);
        Assert.Equal(1L, await _db.ScalarAsync<long>("select count(*) from batches"));
        var id = await _db.ScalarAsync<long>("select id from batches");
        Assert.Contains($"Batch {id} ", second);

        var (_, csv) = await Client("runs", $"{id}", "--csv");
        Assert.Equal(5, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(',')));
        var (_, json) = await Client("analysis", $"{id}", "--format", "json", "--margin", "0.01");
        Assert.Equal(0.01, JsonNode.Parse(json)!["analysis"]!["margin"]!.GetValue<double>());
        var (compareExit, compared) = await Client("compare", $"{id}:base", $"{id}:no-ema");
        Assert.True(compareExit == 0, compared);
        Assert.Contains("Recipes differ: " + id + ":no-ema against " + id + ":base: ema: true → false", compared);
        Assert.Contains($"{id}:no-ema - {id}:base", compared);
        Assert.Equal(2, (await Client("compare", $"{id}:base")).Exit); // one arm is not a comparison: refused, exit 2
        var (statusExit, status) = await Client("status", $"{id}");
        Assert.Equal(0, statusExit);
        Assert.Contains("completed", status);
        var (listExit, list) = await Client("status");
        Assert.True(listExit == 0, list);
        Assert.Contains("client", list);
        Assert.Contains("4/4", list);

        // The client reads the API's own records: the analysis and the runs as the API wrote them.
        using var api = new ApiClient(_api.Url, null);
        var analysis = await api.GetAsync<BatchAnalysis>($"/batches/{id}/analysis", default);
        Assert.Equal((id, 4, Correction.Holm), (analysis.BatchId, analysis.RunsUsed, analysis.Analysis.Correction));
        Assert.Equal(["no-ema"], analysis.Analysis.Comparisons.Select(c => c.Arm));
        Assert.All(await api.RunsAsync(id, default), r => Assert.Equal((RunStatus.Succeeded, id), (r.Status, r.BatchId)));
        Assert.Equal(BatchStatus.Completed, (await api.BatchAsync(id, default)).Batch.Status);
    }

    [Fact]
    public async Task Exit_codes_say_what_went_wrong()
    {
        Assert.Equal(2, (await Client("submit", File("bad.json", """{"name": "bad", "base": {}, "seeds": "abc"}"""))).Exit);
        Assert.Equal(2, (await Client("submit", Path.Combine(_folder.Path, "missing.json"))).Exit);
        Assert.Equal(3, (await Client("status", "--api", $"http://127.0.0.1:{FreePort.Next()}")).Exit);

        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        var (failed, output) = await Client("submit", File("no-data.json", Tiny.Replace($"\"synthetic:{TinySpec.Images}\"", "\"/nonexistent/cifar\"")), "--watch");
        Assert.True(failed == 1, output);

        var queued = File("queued.json", Tiny.Replace("\"client\"", "\"to-cancel\"").Replace("\"cpu\"", "\"gpu\""));
        Assert.Equal(0, (await Client("submit", queued)).Exit);
        var id = await _db.ScalarAsync<long>("select id from batches where name = 'to-cancel'");
        Assert.Equal(0, (await Client("cancel", $"{id}")).Exit);
        Assert.Equal("cancelled", await _db.ScalarAsync<string>($"select status from batches where id = {id}"));
    }
}
