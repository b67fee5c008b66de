using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Pages;

/// <summary>
/// A real browser on the real stack: the API and a worker as processes, a finished batch, headless
/// Chromium (Debian's package, installed by scripts/test.sh) loading the batch's page, the workers page and a
/// comparison of its arms. Screenshots of the three are kept under .data/test-artifacts (or RUNNER_TEST_ARTIFACTS).
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateMigratedAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static async Task<string> Chromium(params string[] args)
    {
        var info = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2200" }.Concat(args))
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Chromium is not installed; scripts/test.sh installs it (scripts/setup.sh --with-browser).", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            return await output;
        }
    }

    [Fact]
    public async Task The_page_of_a_finished_batch_draws_its_plots_and_shows_the_analysis_numbers()
    {
        await using var worker = ChildProcess.StartWorker(_db.ConnectionString);
        await using var api = await ApiProcess.StartAsync(_db.ConnectionString);
        var url = api.Url;
        using var http = new HttpClient { BaseAddress = new Uri(url) };

        using var submitted = await http.PostAsync("/batches", new StringContent(
            TinySpec.Of("browser", seeds: 3, epochs: 2, more: TinySpec.LeaveOneOutEma), Encoding.UTF8, "application/json"));
        var id = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["batch"]!["id"]!.GetValue<long>();
        await Eventually.Holds("the batch to complete", async () => (await http.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["batch"]!["status"]!.GetValue<string>() == "completed",
            TimeSpan.FromMinutes(3), () => worker.AllOutput);
        var analysis = (await http.GetFromJsonAsync<JsonNode>($"/batches/{id}/analysis"))!["analysis"]!;

        // Each page is loaded once, its DOM and its screenshot from the same load: a Chromium start is about 3 core-seconds.
        var artifacts = Environment.GetEnvironmentVariable("RUNNER_TEST_ARTIFACTS") ?? Path.Combine(RepoPaths.Root, ".data", "test-artifacts");
        Directory.CreateDirectory(artifacts);
        string[] screenshots = ["batch-page.png", "workers-page.png", "compare-page.png"];
        foreach (var file in screenshots)
            File.Delete(Path.Combine(artifacts, file));
        Task<string> Page(string path, string screenshot) =>
            Chromium("--dump-dom", $"--screenshot={Path.Combine(artifacts, screenshot)}", url + path);

        var dom = await Page($"/ui/batches/{id}", "batch-page.png");
        var dots = Figure(dom, "dots");
        Assert.Equal(6, Regex.Matches(dots, "<circle ").Count);
        Assert.Equal(2, Regex.Matches(dots, "class=\"mean\"").Count);
        Assert.Equal(2, Regex.Matches(Figure(dom, "accuracy-curves"), "class=\"curve\"").Count);
        Assert.Equal(2, Regex.Matches(Figure(dom, "loss-curves"), "class=\"curve\"").Count);

        foreach (var arm in analysis["arms"]!.AsArray())
        {
            var name = arm!["name"]!.GetValue<string>();
            Assert.Equal(arm["summary"]!["mean"]!.GetValue<double>(), Value(dom, name, "mean"));
            Assert.Equal(arm["summary"]!["standardDeviation"]!.GetValue<double>(), Value(dom, name, "sd"));
            Assert.Equal(arm["summary"]!["n"]!.GetValue<int>(), (int)Value(dom, name, "n"));
        }
        var comparison = analysis["comparisons"]!.AsArray().Single()!;
        Assert.Equal(comparison["test"]!["difference"]!.GetValue<double>(), Value(dom, "no-ema", "difference"));
        Assert.Equal(comparison["test"]!["pTwoSided"]!.GetValue<double>(), Value(dom, "no-ema", "p"));
        Assert.Equal(comparison["pAdjusted"]!.GetValue<double>(), Value(dom, "no-ema", "p-adjusted"));
        Assert.Contains($">{comparison["verdict"]!.GetValue<string>()}</td>", Row(dom, "no-ema"));

        // Paired beside Welch: the table's paired figures are the analysis's, each shared seed a dot, every arm in the forest plot.
        Assert.Equal(comparison["paired"]!["difference"]!.GetValue<double>(), Value(dom, "no-ema", "paired-difference"));
        Assert.Equal(comparison["paired"]!["pTwoSided"]!.GetValue<double>(), Value(dom, "no-ema", "paired-p"));
        Assert.Equal(3, Regex.Matches(Figure(dom, "paired"), "class=\"seed-difference\"").Count);
        Assert.Single(Regex.Matches(Figure(dom, "forest"), "class=\"estimate\""));

        var workers = await Page("/ui/workers", "workers-page.png");
        Assert.Matches(new Regex("<table id=\"workers\">.*<span class=\"status s-running\">alive</span>", RegexOptions.Singleline), workers);

        var compare = await Page($"/ui/compare?arms={id}:base,{id}:no-ema", "compare-page.png");
        Assert.Contains($"Recipes differ: {id}:no-ema against {id}:base: ema: true → false", compare);
        Assert.Equal(comparison["test"]!["difference"]!.GetValue<double>(), Value(compare, $"{id}:no-ema", "difference"));
        Assert.Equal(2, Regex.Matches(Figure(compare, "accuracy-curves"), "class=\"curve\"").Count);

        foreach (var file in screenshots)
            Assert.True(new FileInfo(Path.Combine(artifacts, file)).Length > 20_000, $"the screenshot {file} is missing or blank");
    }

    private static string Figure(string dom, string id)
    {
        var figure = Regex.Match(dom, $"<figure id=\"{id}\">(.*?)</figure>", RegexOptions.Singleline);
        Assert.True(figure.Success, $"figure {id} is not on the page");
        Assert.Contains("<svg", figure.Groups[1].Value);
        return figure.Groups[1].Value;
    }

    private static string Row(string dom, string arm) =>
        Regex.Match(dom, $"<tr data-arm=\"{Regex.Escape(arm)}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;

    private static double Value(string dom, string arm, string field) =>
        double.Parse(Regex.Match(Row(dom, arm), $"data-field=\"{field}\" data-value=\"([^\"]*)\"").Groups[1].Value, CultureInfo.InvariantCulture);
}
