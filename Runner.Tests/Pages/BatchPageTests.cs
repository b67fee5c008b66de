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
            Id = i * 10 + seed + 1, BatchId = 7, Arm = a.Item1, IsBaseline = i == 0, Seed = seed, Status = RunStatus.Succeeded, Attempt = 1,
            JobId = $"{100 + i * 10 + seed}", TestAccuracy = v, TrainingSeconds = 12.5, RecipeHash = new string('a', 64),
        })).ToList();
        var counts = new RunCounts { Total = 15, Succeeded = status == "completed" ? 15 : 12, Running = status == "completed" ? 0 : 1, Queued = status == "completed" ? 0 : 2 };
        var batch = new BatchRecord
        {
            Id = 7, Name = "trick study", Status = Statuses.BatchStatusNamed(status)!.Value, Seeds = [0, 1, 2, 3, 4], Baseline = "base", Metric = "test-accuracy", Level = 0.95,
            Correction = Correction.Holm, Test = UnpairedTest.Welch, Queue = "gpu", Priority = Runner.Core.Queueing.Priority.Normal, CreatedAt = new DateTime(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc), Runs = counts,
        };
        var armRecords = arms.Select((a, i) => new ArmRecord
        {
            Name = a.Item1, IsBaseline = i == 0, RecipeHash = new string((char)('a' + i), 64), VariantJson = """{"preset": "tta", "off": ["ema"]}""",
            RecipeJson = RecipeJson.Canonical(new Variant("tta", Off: i == 0 ? null : ["ema"]).Build().Recipe!),
        }).ToList();
        var detail = new BatchDetail(batch, armRecords, null, BatchProgressEstimate.For(counts, [20, 22], status == "completed" ? [] : [new RunningRun(5, null)]), null);
        var metric = Metric.Find("test-accuracy")!;
        var samples = arms.Select(a => new ArmSamples(a.Item1, a.Item2.Select(v => (double?)v).ToList(), Enumerable.Range(0, 5).Select(s => (long)s).ToList())).ToList();
        var analysis = BatchAnalysis.For(batch, samples, batch.Settings(metric), metric);
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
        return System.Net.WebUtility.HtmlDecode(cell.Groups[1].Value); // the encoder writes + as &#x2B;
    }

    private static string Headline(string html, string arm) =>
        System.Net.WebUtility.HtmlDecode(Regex.Match(html, $"<li data-arm=\"{Regex.Escape(arm)}\">.*?</li>").Value);

    private static double DataValue(string html, string arm, string field)
    {
        var row = Regex.Match(html, $"<tr data-arm=\"{Regex.Escape(arm)}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        return double.Parse(Regex.Match(row, $"data-field=\"{field}\" data-value=\"([^\"]*)\"").Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_analysis_table_shows_the_analysis_values_and_verdicts()
    {
        var model = Model();
        var html = PageHtml.Render<BatchPage>("Model", model);
        var analysis = model.Analysis!.Analysis;
        var better = analysis.Comparisons.Single(c => c.Arm == "with-trick");
        var same = analysis.Comparisons.Single(c => c.Arm == "no-trick");

        Assert.Equal(Verdict.Better, better.Verdict);
        Assert.Equal(Verdict.NoSignificantDifference, same.Verdict);
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
        var headline = Headline(html, "no-trick");
        Assert.Contains($"no-trick − base = {(same.Test.Difference >= 0 ? "+" : "−")}{Math.Abs(same.Test.Difference!.Value * 100):0.00} pts (95% CI ", headline);
        Assert.Contains($"Holm p = {same.PAdjusted!.Value:0.0000} (paired p = ", headline);
        Assert.Contains("no significant difference</span>; about ", headline);
        Assert.Contains("runs per arm would resolve the observed difference.", headline);
        Assert.True(better.Paired!.PTwoSided < 0.0001);
        var betterHeadline = Headline(html, "with-trick");
        Assert.Contains($"Holm p = {better.PAdjusted!.Value:0.0000} (paired p < 0.0001): ", betterHeadline); // never "p = < 0.0001"
        Assert.Contains("15 of 15 runs finished", html);
    }

    [Fact]
    public void The_plots_draw_every_run_and_a_curve_per_arm_with_labelled_axes()
    {
        var html = PageHtml.Render<BatchPage>("Model", Model());

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
        var html = PageHtml.Render<BatchPage>("Model", Model());

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

        var html = PageHtml.Render<RunPage>("Detail", new RunDetail(run, System.Text.Json.Nodes.JsonNode.Parse("""{"epochs": 2, "width": 0.5}"""), epochs));

        Assert.Contains("<a href=\"/ui/batches/7\">batch 7</a>", html);
        Assert.Contains("cuda:0 (NVIDIA H100)", html);
        Assert.Contains("0.107.0 / 2.10.0", html);
        Assert.Contains($"{run.TestAccuracy!.Value * 100:0.00} %", html);
        Assert.Contains("66.00 %", html);
        Assert.Contains("&quot;width&quot;: 0.5", html);
        Assert.Contains($"href=\"/hangfire/jobs/details/{run.JobId}\"", html);
        foreach (var (panel, label) in new[] { ("run-accuracy", "test accuracy (%)"), ("run-loss", "training loss (per example)"), ("run-learning-rate", "learning rate per example") })
        {
            var svg = Regex.Match(html, $"<figure id=\"{panel}\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Single(Regex.Matches(svg, "class=\"curve\""));
            Assert.Contains(label, svg);
        }
        // The learning rate falls to 0 in the last epoch: its axis starts at 0 with room above the peak.
        Assert.Matches(new Regex("class=\"tick\">0(\\.0+)?</text>"), Regex.Match(html, "<figure id=\"run-learning-rate\">(.*?)</figure>", RegexOptions.Singleline).Value);
        Assert.Matches(new Regex("</div>\\s*<table id=\"epochs\">"), html); // the epoch table is not a flex item stretched beside the plots
        Assert.DoesNotContain("run-live", html); // a finished run's page stays still
        var running = PageHtml.Render<RunPage>("Detail", new RunDetail(run with { Status = RunStatus.Running, StepsDone = 30, StepsTotal = 64 },
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
        var html = PageHtml.Render<BatchPage>("Model", oneEpoch);
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
        var running = model.Runs[0] with { Status = RunStatus.Running, StepsDone = 12, StepsTotal = 40, StartedAt = DateTime.UtcNow.AddSeconds(-75), TestAccuracy = null };
        var html = PageHtml.Render<BatchPage>("Model", model with { Runs = [running, .. model.Runs.Skip(1)] });

        Assert.Matches("data-field=\"run-progress\">12/40 steps, 1 min 1[45] s<", html);
    }

    [Fact]
    public void Each_arm_shows_what_it_changes_against_the_baseline_field_by_field()
    {
        var html = PageHtml.Render<BatchPage>("Model", Model());
        var arms = Regex.Match(html, "<table id=\"arms\">.*?</table>", RegexOptions.Singleline).Value;

        Assert.Equal(2, Regex.Matches(arms, "<code>ema: true → false</code>").Count);
        Assert.DoesNotContain("<code>preset ", arms); // the variant it came from is only the cell's title now
        Assert.Contains("<th>differs from the baseline</th>", arms);
    }

    [Fact]
    public void A_running_batch_shows_its_progress_and_refreshes_itself()
    {
        var running = PageHtml.Render<BatchPage>("Model", Model("running"));
        var completed = PageHtml.Render<BatchPage>("Model", Model());

        Assert.Contains("12 of 15 runs finished: 12 done, 1 running, 2 queued", running);
        Assert.Contains("left.", running);
        Assert.Contains($"<script src=\"{PageLayout.ScriptPath}\"></script>", running);
        Assert.Contains("id=\"bar\" data-batch=\"7\" data-finished=\"12\"", running);
        Assert.Contains("fetch('/batches/' + bar.dataset.batch", PageLayout.LiveScript);
        Assert.Contains("fetch('/ui/batches/' + bar.dataset.batch + '/progress'", PageLayout.LiveScript); // the sentence is the server's, not rebuilt in the script
        Assert.DoesNotContain("runs finished", PageLayout.LiveScript);
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
        var analysis = BatchAnalysis.For(model.Detail.Batch, samples, model.Detail.Batch.Settings(seconds), seconds);

        var html = PageHtml.Render<BatchPage>("Model", model with { Metric = seconds, Analysis = analysis });

        Assert.Contains("<a class=\"current\" href=\"?metric=training-seconds\">", html);
        Assert.Equal("12.5 s", Cell(html, "base", "mean"));
        Assert.Contains("training seconds (s)", html);
    }

    [Fact]
    public void Paired_figures_stand_beside_welchs_with_a_dot_per_seed_and_every_arm_in_the_forest_plot()
    {
        var model = Model();
        var html = PageHtml.Render<BatchPage>("Model", model);
        var better = model.Analysis!.Analysis.Comparisons.Single(c => c.Arm == "with-trick");

        Assert.Equal(better.Paired!.Difference!.Value, DataValue(html, "with-trick", "paired-difference"), 12);
        Assert.Equal(better.Paired.PTwoSided!.Value, DataValue(html, "with-trick", "paired-p"), 12);
        Assert.Equal("—", Cell(html, "base", "paired-p"));
        var paired = Regex.Match(html, "<figure id=\"paired\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(10, Regex.Matches(paired, "class=\"seed-difference\"").Count); // 5 seeds × 2 arms
        Assert.Contains($"with-trick, seed 3: +{(Better[3] - Base[3]) * 100:0.00} pts", System.Net.WebUtility.HtmlDecode(paired));
        Assert.Equal(2, Regex.Matches(paired, "class=\"mean\"").Count);
        Assert.Single(Regex.Matches(paired, "class=\"zero\""));
        var forest = Regex.Match(html, "<figure id=\"forest\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(2, Regex.Matches(forest, "class=\"estimate\"").Count);
        Assert.Equal(2, Regex.Matches(forest, "class=\"paired-ci\"").Count);
        Assert.DoesNotContain("class=\"margin\"", forest); // no margin set
        Assert.Contains("difference to the baseline (points)", forest);
    }

    [Fact]
    public void A_margin_is_drawn_as_a_band_in_the_forest_and_paired_plots()
    {
        var model = Model();
        var batch = model.Detail.Batch with { Margin = 0.002 };
        var metric = Metric.Find("test-accuracy")!;
        var samples = model.Runs.GroupBy(r => r.Arm).Select(g => new ArmSamples(g.Key, g.Select(r => r.TestAccuracy).ToList(), g.Select(r => r.Seed).ToList())).ToList();
        var analysis = BatchAnalysis.For(batch, samples, batch.Settings(metric), metric);

        var html = PageHtml.Render<BatchPage>("Model", model with { Analysis = analysis });

        foreach (var figure in new[] { "forest", "paired" })
        {
            var svg = Regex.Match(html, $"<figure id=\"{figure}\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Single(Regex.Matches(svg, "<rect class=\"margin\""));
            Assert.Contains("equivalence margin ±0.20 pts", svg);
        }
    }

    [Fact]
    public void Tick_labels_carry_only_the_decimals_their_step_needs()
    {
        Assert.Equal(["93.5", "94.0", "94.5"], new[] { 0.935, 0.94, 0.945 }.Select(v => Runner.Api.Pages.Plots.LinearScale.TickLabel(v, [0.935, 0.94], 100)));
        Assert.Equal(["94", "95"], new[] { 0.94, 0.95 }.Select(v => Runner.Api.Pages.Plots.LinearScale.TickLabel(v, [0.94, 0.95], 100)));
        Assert.Equal(["0.25", "0.50"], new[] { 0.25, 0.5 }.Select(v => Runner.Api.Pages.Plots.LinearScale.TickLabel(v, [0.25, 0.5])));
        Assert.Equal(["2", "4"], new[] { 2.0, 4.0 }.Select(v => Runner.Api.Pages.Plots.LinearScale.TickLabel(v, [2, 4])));
        var html = PageHtml.Render<BatchPage>("Model", Model());
        var dots = Regex.Match(html, "<figure id=\"dots\">(.*?)</figure>", RegexOptions.Singleline).Groups[1].Value;
        Assert.DoesNotMatch("class=\"tick\">[0-9]+\\.[0-9]*00</text>", dots); // 94.0 for a step of 0.5, never 94.00 as the values print
    }

    [Fact]
    public void Hostile_names_are_encoded_everywhere()
    {
        const string hostile = "<script>alert(1)</script>\"'&";
        var model = Model();
        var runs = model.Runs.Select(r => r.Arm == "no-trick" ? r with { Arm = hostile, WorkerName = hostile, Error = hostile } : r).ToList();
        var arms = model.Detail.Arms.Select(a => a.Name == "no-trick" ? a with { Name = hostile } : a).ToList();
        var batch = model.Detail.Batch with { Name = hostile, Data = hostile };
        var metric = Metric.Find("test-accuracy")!;
        var samples = runs.GroupBy(r => r.Arm).Select(g => new ArmSamples(g.Key, g.Select(r => r.TestAccuracy).ToList(), g.Select(r => r.Seed).ToList())).ToList();
        var analysis = BatchAnalysis.For(batch, samples, batch.Settings(metric), metric);
        var epochs = model.Epochs.Select(e => e.Arm == "no-trick" ? e with { Arm = hostile } : e).ToList();

        var html = PageHtml.Render<BatchPage>("Model", new BatchPageModel(model.Detail with { Batch = batch, Arms = arms }, runs, analysis, metric, epochs));

        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("'&", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Fact]
    public void The_batch_list_shows_each_batchs_headline_result()
    {
        var model = Model();
        var headline = BatchText.ListHeadline(model.Analysis!.Analysis, MetricFormat.For(model.Metric))!;

        var html = PageHtml.Render<BatchListPage>("Batches", new[] { model.Detail.Batch });
        var withHeadline = Render(new Dictionary<string, object?> { ["Batches"] = new[] { model.Detail.Batch }, ["Headlines"] = new Dictionary<long, string> { [7] = headline }, ["Total"] = 1 });

        Assert.StartsWith("with-trick: +0.32 pts, p = 0.0001, better (1 of 2 arms differ)", headline);
        Assert.Contains(">with-trick: &#x2B;0.32 pts, p = 0.0001, better (1 of 2 arms differ)</td>", withHeadline);
        Assert.Contains("<td data-field=\"headline\"></td>", html);
    }

    private static string Render(Dictionary<string, object?> parameters) => PageHtml.Render<BatchListPage>(parameters);
}
