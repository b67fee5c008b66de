using System.Globalization;
using System.Text.RegularExpressions;
using Runner.Api.Pages;
using Runner.Core.Batches;
using Runner.Core.Recipes;
using Runner.Core.Statistics;

namespace Runner.Tests.Pages;

/// <summary>The batch page for a batch with known results: the numbers, verdicts and plots it must show.</summary>
public sealed class BatchPageTests
{
    private static readonly double[] Base = [0.9401, 0.9412, 0.9395, 0.9408, 0.9404];
    private static readonly double[] Better = [0.9431, 0.9440, 0.9428, 0.9445, 0.9436];
    private static readonly double[] Same = [0.9399, 0.9410, 0.9402, 0.9407, 0.9398];

    private static BatchPageModel Model(string status = "completed")
    {
        var arms = new[] { ("base", Base), ("with-trick", Better), ("no-trick", Same) };
        var runs = arms.SelectMany((a, i) => a.Item2.Select((v, seed) => new RunRecord
        {
            Id = i * 10 + seed + 1, BatchId = 7, Arm = a.Item1, IsBaseline = i == 0, Seed = seed, Status = "succeeded", Attempt = 1,
            JobId = $"{100 + i * 10 + seed}", TestAccuracy = v, TrainingSeconds = 12.5, RecipeHash = new string('a', 64),
        })).ToList();
        var counts = new RunCounts { Total = 15, Succeeded = status == "completed" ? 15 : 12, Running = status == "completed" ? 0 : 1, Queued = status == "completed" ? 0 : 2 };
        var batch = new BatchRecord
        {
            Id = 7, Name = "trick study", Status = status, Seeds = [0, 1, 2, 3, 4], Baseline = "base", Metric = "test-accuracy", Level = 0.95,
            Correction = "holm", Test = "welch", Queue = "gpu", Priority = "normal", CreatedAt = new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc), Runs = counts,
        };
        var armRecords = arms.Select((a, i) => new ArmRecord
        {
            Name = a.Item1, IsBaseline = i == 0, RecipeHash = new string((char)('a' + i), 64), VariantJson = """{"preset": "tta", "off": ["ema"]}""",
            RecipeJson = RecipeJson.Canonical(new Variant("tta", Off: i == 0 ? null : ["ema"]).Build().Recipe!),
        }).ToList();
        var detail = new BatchDetail(batch, armRecords, null, BatchProgressEstimate.For(counts, [20, 22], status == "completed" ? [] : [new RunningRun(5, null)]), null);
        var metric = Metric.Find("test-accuracy")!;
        var samples = arms.Select(a => new ArmSamples(a.Item1, a.Item2.Select(v => (double?)v).ToList(), Enumerable.Range(0, 5).Select(s => (long)s).ToList())).ToList();
        var analysis = BatchAnalysis.For(batch, samples, BatchAnalysis.Defaults(batch, metric), metric);
        var epochs = runs.SelectMany(r => new[] { 1, 2 }.Select(e => new EpochPoint
        {
            Arm = r.Arm, RunId = r.Id, Epoch = e, TestAccuracy = r.TestAccuracy!.Value - (2 - e) * 0.1, TrainLoss = 1.0 / e,
        })).ToList();
        return new BatchPageModel(detail, runs, analysis, metric, epochs);
    }

    private static string Cell(string html, string arm, string field)
    {
        var row = Regex.Match(html, $"<tr data-arm=\"{Regex.Escape(arm)}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"no row for {arm}");
        var cell = Regex.Match(row.Groups[1].Value, $"<td[^>]*data-field=\"{field}\"[^>]*>(.*?)</td>", RegexOptions.Singleline);
        Assert.True(cell.Success, $"no {field} cell for {arm}");
        return cell.Groups[1].Value;
    }

    private static double DataValue(string html, string arm, string field)
    {
        var row = Regex.Match(html, $"<tr data-arm=\"{Regex.Escape(arm)}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        return double.Parse(Regex.Match(row, $"data-field=\"{field}\" data-value=\"([^\"]*)\"").Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_analysis_table_shows_the_analysis_values_and_verdicts()
    {
        var model = Model();
        var html = BatchPage.Render(model);
        var analysis = model.Analysis.Analysis;
        var better = analysis.Comparisons.Single(c => c.Arm == "with-trick");
        var same = analysis.Comparisons.Single(c => c.Arm == "no-trick");

        Assert.Equal("better", better.Verdict);
        Assert.Equal("no significant difference", same.Verdict);
        Assert.Equal("better", Cell(html, "with-trick", "verdict"));
        Assert.Equal("no significant difference", Cell(html, "no-trick", "verdict"));
        Assert.Contains("class=\"better\"", Regex.Match(html, "<tr data-arm=\"with-trick\">.*?</tr>", RegexOptions.Singleline).Value);

        Assert.Equal(Better.Average(), DataValue(html, "with-trick", "mean"), 12);
        Assert.Equal($"{Better.Average() * 100:0.00} %", Cell(html, "with-trick", "mean"));
        Assert.Equal(better.Test.Difference!.Value, DataValue(html, "with-trick", "difference"), 12);
        Assert.Equal($"+{better.Test.Difference!.Value * 100:0.00} pts", Cell(html, "with-trick", "difference"));
        Assert.Equal(better.Test.PTwoSided!.Value, DataValue(html, "with-trick", "p"), 12);
        Assert.Equal(better.PAdjusted!.Value, DataValue(html, "with-trick", "p-adjusted"), 12);
        Assert.Equal(same.PAdjusted!.Value.ToString("0.0000", CultureInfo.InvariantCulture), Cell(html, "no-trick", "p-adjusted"));
        Assert.Equal(better.Test.HedgesG!.Value.ToString("0.00", CultureInfo.InvariantCulture), Cell(html, "with-trick", "hedges-g"));
        Assert.Equal("baseline", Cell(html, "base", "verdict"));
        Assert.Contains($"id=\"planning\">Run-to-run sd {analysis.Planning.Sd!.Value * 100:0.00} pts (", html); // the metric's units, not a raw fraction
        var headline = Regex.Match(html, "<li data-arm=\"no-trick\">.*?</li>").Value;
        Assert.Contains($"no-trick − base = {(same.Test.Difference >= 0 ? "+" : "−")}{Math.Abs(same.Test.Difference!.Value * 100):0.00} pts (95% CI ", headline);
        Assert.Contains($"Holm p = {same.PAdjusted!.Value:0.0000} (paired p = ", headline);
        Assert.Contains("no significant difference</span>; about ", headline);
        Assert.Contains("runs per arm would resolve the observed difference.", headline);
        Assert.Contains("15 of 15 runs finished", html);
    }

    [Fact]
    public void The_plots_draw_every_run_and_a_curve_per_arm_with_labelled_axes()
    {
        var html = BatchPage.Render(Model());

        var dots = Regex.Match(html, "<figure id=\"dots\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(15, Regex.Matches(dots, "<circle ").Count);
        Assert.Equal(3, Regex.Matches(dots, "class=\"mean\"").Count);
        Assert.Equal(3, Regex.Matches(dots, "class=\"ci\"").Count);
        Assert.Single(Regex.Matches(dots, "class=\"baseline\""));
        Assert.Contains("test accuracy (%)", dots);
        Assert.Contains("with-trick, seed 3: 94.45 %", dots);

        foreach (var (figure, label) in new[] { ("accuracy-curves", "test accuracy (%)"), ("loss-curves", "training loss (per example)") })
        {
            var svg = Regex.Match(html, $"<figure id=\"{figure}\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Equal(3, Regex.Matches(svg, "class=\"curve\"").Count);
            Assert.Equal(3, Regex.Matches(svg, "class=\"band\"").Count);
            Assert.Contains(label, svg);
            Assert.Contains(">epoch<", svg);
        }
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void Runs_link_to_their_detail_their_job_and_the_csv()
    {
        var html = BatchPage.Render(Model());

        Assert.Contains("<a href=\"/ui/runs/1\">1</a>", html);
        Assert.Contains("<a href=\"/hangfire/jobs/details/100\">job 100</a>", html);
        Assert.Contains("href=\"/batches/7/runs?format=csv\"", html);
    }

    [Fact]
    public void A_run_page_shows_its_provenance_result_epochs_and_recipe()
    {
        var run = Model().Runs[6] with
        {
            WorkerName = "cuda:0@gpu-box:41", Device = "cuda:0", DeviceName = "NVIDIA H100", TorchsharpVersion = "0.107.0", LibtorchVersion = "2.10.0", Threads = 16,
        };
        var epochs = new[] { new Runner.Core.Training.EpochMetrics(1, 2, 1.5, 0.45, 0.52, 0.4, 3.1, 3.5), new Runner.Core.Training.EpochMetrics(2, 2, 1.1, 0.61, 0.66, 0.0, 2.9, 6.4) };

        var html = RunPage.Render(new RunDetail(run, System.Text.Json.Nodes.JsonNode.Parse("""{"epochs": 2, "width": 0.5}"""), epochs));

        Assert.Contains("<a href=\"/ui/batches/7\">batch 7</a>", html);
        Assert.Contains("cuda:0 (NVIDIA H100)", html);
        Assert.Contains("0.107.0 / 2.10.0", html);
        Assert.Contains($"{run.TestAccuracy!.Value * 100:0.00} %", html);
        Assert.Contains("66.00 %", html);
        Assert.Contains("&quot;width&quot;: 0.5", html);
        Assert.Contains($"href=\"/hangfire/jobs/details/{run.JobId}\"", html);
        Assert.Single(Regex.Matches(html, "class=\"curve\""));
        Assert.DoesNotContain("run-live", html); // a finished run's page stays still
        var running = RunPage.Render(new RunDetail(run with { Status = "running", StepsDone = 30, StepsTotal = 64 },
            System.Text.Json.Nodes.JsonNode.Parse("""{"epochs": 2}"""), epochs[..1]));
        Assert.Contains($"id=\"run-live\" data-run=\"{run.Id}\" data-status=\"running\" data-epochs=\"1\"", running);
        Assert.Contains($"<script src=\"{PageLayout.ScriptPath}\"></script>", running);
        Assert.Contains("30/64 steps", running);
        Assert.Contains("fetch('/runs/' + run.dataset.run", PageLayout.LiveScript);
    }

    [Fact]
    public void Curves_mark_every_epoch_span_the_planned_epochs_and_tell_identical_arms_apart()
    {
        var model = Model("running");
        var oneEpoch = model with { Epochs = model.Epochs.Where(e => e.Epoch == 1).ToList() };
        var html = BatchPage.Render(oneEpoch);
        var accuracy = Regex.Match(html, "<svg[^>]*aria-label=\"test accuracy per epoch[^\"]*\".*?</svg>", RegexOptions.Singleline).Value;

        Assert.Equal(3, Regex.Matches(accuracy, "class=\"marker\"").Count); // one epoch, three arms: still three visible points
        var planned = model.Detail.Arms.Max(a => a.Recipe!["epochs"]!.GetValue<int>());
        Assert.Contains($">{planned}</text>", accuracy); // the axis runs to the planned last epoch
        Assert.Equal(2, Regex.Matches(accuracy, "stroke-dasharray=").Count); // the 2nd and 3rd arm are dashed, the 1st solid
    }

    [Fact]
    public void A_running_run_shows_its_steps_and_how_long_it_has_run()
    {
        var model = Model("running");
        var running = model.Runs[0] with { Status = "running", StepsDone = 12, StepsTotal = 40, StartedAt = DateTime.UtcNow.AddSeconds(-75), TestAccuracy = null };
        var html = BatchPage.Render(model with { Runs = [running, .. model.Runs.Skip(1)] });

        Assert.Matches("data-field=\"run-progress\">12/40 steps, 1 min 1[45] s<", html);
    }

    [Fact]
    public void Each_arm_shows_what_it_changes_against_the_baseline_field_by_field()
    {
        var html = BatchPage.Render(Model());
        var arms = Regex.Match(html, "<table id=\"arms\">.*?</table>", RegexOptions.Singleline).Value;

        Assert.Equal(2, Regex.Matches(arms, "<code>ema: true → false</code>").Count);
        Assert.DoesNotContain("<code>preset ", arms); // the variant it came from is only the cell's title now
        Assert.Contains("<th>differs from the baseline</th>", arms);
    }

    [Fact]
    public void A_running_batch_shows_its_progress_and_refreshes_itself()
    {
        var running = BatchPage.Render(Model("running"));
        var completed = BatchPage.Render(Model());

        Assert.Contains("12 of 15 runs finished: 12 done, 1 running, 2 queued", running);
        Assert.Contains("left.", running);
        Assert.Contains($"<script src=\"{PageLayout.ScriptPath}\"></script>", running);
        Assert.Contains("id=\"bar\" data-batch=\"7\" data-finished=\"12\"", running);
        Assert.Contains("fetch('/batches/' + bar.dataset.batch", PageLayout.LiveScript);
        Assert.DoesNotContain("<script", completed);
        Assert.Contains("data-status=\"succeeded\" x=\"0\" width=\"80\"", running);
        Assert.DoesNotContain("style=", running);
    }

    [Fact]
    public void The_metric_can_be_chosen_and_the_table_follows_it()
    {
        var model = Model();
        var seconds = Metric.Find("training-seconds")!;
        var samples = model.Runs.GroupBy(r => r.Arm).Select(g => new ArmSamples(g.Key, g.Select(r => r.TrainingSeconds).ToList())).ToList();
        var analysis = BatchAnalysis.For(model.Detail.Batch, samples, BatchAnalysis.Defaults(model.Detail.Batch, seconds), seconds);

        var html = BatchPage.Render(model with { Metric = seconds, Analysis = analysis });

        Assert.Contains("<a class=\"current\" href=\"?metric=training-seconds\">", html);
        Assert.Equal("12.5 s", Cell(html, "base", "mean"));
        Assert.Contains("training seconds (s)", html);
    }
}
