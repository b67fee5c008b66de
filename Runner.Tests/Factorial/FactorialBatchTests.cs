using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Factorial;

/// <summary>
/// A factorial batch end to end: submitted to a real API process, run by a worker on synthetic data, its design on
/// <c>GET /batches/{id}</c>, its effects as JSON, text and CSV, on its page and in the batch list, and through the terminal client.
/// </summary>
public sealed class FactorialBatchTests : IAsyncLifetime
{
    private static readonly string Spec = TinySpec.Of("factorial", seeds: 2,
        more: """ "factorial": {"factors": [{"trick": "tta"}, {"trick": "label-smoothing"}], "design": "full"}""");

    private TestDatabase _db = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
        _api = await ApiProcess.StartAsync(_db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Every_configuration_runs_with_every_seed_and_the_effects_come_back_as_json_text_csv_and_in_the_terminal()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_api.Url) };
        using var submitted = await http.PostAsync("/batches", new StringContent(Spec, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!;
        Assert.True(submitted.IsSuccessStatusCode, body.ToJsonString());
        var id = body["batch"]!["id"]!.GetValue<long>();
        Assert.Equal(["1", "a", "b", "ab"], body["arms"]!.AsArray().Select(a => (string)a!["name"]!));
        var design = body["factorial"]!;
        Assert.Equal("full 2^2, 4 configurations", (string)design["design"]!);
        Assert.Equal(["A", "B"], design["factors"]!.AsArray().Select(f => (string)f!["letter"]!));
        Assert.Equal("tta × label-smoothing", (string)design["interactions"]![0]!["label"]!);

        await using (var worker = ChildProcess.StartWorker(_db.ConnectionString))
        {
            await Eventually.BatchFinished(_db, id, TimeSpan.FromMinutes(3), () => worker.AllOutput);
        }
        Assert.Equal("1:0,1:1,a:0,a:1,ab:0,ab:1,b:0,b:1", await _db.ScalarAsync<string>(
            "select string_agg(a.name || ':' || r.seed, ',' order by a.name, r.seed) from runs r join arms a on a.id = r.arm_id where r.status = 'succeeded'"));

        var analysis = JsonNode.Parse(await http.GetStringAsync($"/batches/{id}/analysis"))!;
        Assert.Equal(8, (int)analysis["runsUsed"]!);
        var result = analysis["analysis"]!;
        Assert.Equal("residual", (string)result["errorEstimate"]!);
        Assert.Equal(3.0, (double)result["df"]!); // 8 runs − (intercept, one seed block, A, B, AB)
        Assert.Equal(["A", "B"], result["mainEffects"]!.AsArray().Select(e => (string)e!["term"]!));
        Assert.Equal("AB", (string)result["interactions"]![0]!["term"]!);
        Assert.Equal(2, result["atBase"]!.AsArray().Count); // both tricks are on in the base recipe
        Assert.All(result["mainEffects"]!.AsArray(), e => Assert.True((double)e!["upper"]! > (double)e["lower"]!));

        using var asText = new HttpRequestMessage(HttpMethod.Get, $"/batches/{id}/analysis");
        asText.Headers.Accept.ParseAdd("text/plain");
        var text = await (await http.SendAsync(asText)).Content.ReadAsStringAsync();
        Assert.Contains("Factorial analysis of test-accuracy: full 2^2, 4 configurations", text);
        Assert.Contains("tta × label-smoothing", text);

        var csv = (await http.GetStringAsync($"/batches/{id}/analysis?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("family,term,meaning,aliases,estimate,se,t,df,p,p_adjusted,ci_low,ci_high,significant", csv[0]);
        Assert.Equal(["main", "main", "interaction", "at-base", "at-base"], csv.Skip(1).Select(l => l.Split(',')[0]));

        var page = await http.GetStringAsync($"/ui/batches/{id}");
        foreach (var figure in new[] { "main-effects", "interactions", "half-normal", "interaction-plot" })
            Assert.Matches(new Regex($"<figure id=\"{figure}\"><svg"), page);
        Assert.Equal(3, Regex.Matches(Regex.Match(page, "<figure id=\"half-normal\">.*?</figure>", RegexOptions.Singleline).Value, "<circle ").Count);
        foreach (var (family, effects) in new[] { ("main", result["mainEffects"]!), ("interaction", result["interactions"]!) })
            foreach (var effect in effects.AsArray())
            {
                var row = Regex.Match(page, $"<tr data-effect=\"{(string)effect!["term"]!}\" data-family=\"{family}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
                var shown = Regex.Match(row, "data-field=\"estimate\" data-value=\"([^\"]*)\"").Groups[1].Value;
                Assert.Equal((double)effect["estimate"]!, double.Parse(shown, CultureInfo.InvariantCulture));
            }
        Assert.Contains("Defining relation: none (full factorial)", page);
        Assert.Contains("main effects significant)", await http.GetStringAsync("/ui/batches"));

        using var refused = await http.GetAsync($"/batches/{id}/analysis?test=welch&compare=all-pairs");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"test\"", await refused.Content.ReadAsStringAsync());

        await using var client = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", ["analysis", id.ToString(), "--format", "effects"],
            new Dictionary<string, string> { ["RUNNER_API_URL"] = _api.Url });
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("interaction,AB,tta × label-smoothing", client.AllOutput);
    }
}
