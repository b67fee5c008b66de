using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MathNet.Numerics.Statistics;
using Runner.Core.Batches;
using Runner.Core.Recipes;
using Runner.Core.Statistics;

namespace Runner.Api.Pages;

/// <summary>Everything the batch page shows, read from the store.</summary>
public sealed record BatchPageModel(BatchDetail Detail, IReadOnlyList<RunRecord> Runs, BatchAnalysis Analysis, Metric Metric, IReadOnlyList<EpochPoint> Epochs);

/// <summary>
/// <c>/ui/batches/{id}</c>: where a batch stands (header, live progress) and what it found (dots, means and
/// intervals per arm, tests against the baseline, curves over epochs), with links to runs and jobs.
/// </summary>
public static class BatchPage
{
    public static string Render(BatchPageModel model)
    {
        var batch = model.Detail.Batch;
        var format = MetricFormat.For(model.Metric);
        var html = new StringBuilder();
        html.Append(Header(model.Detail));
        html.Append(Progress(model.Detail));
        if (model.Detail.Sequential is { } sequential)
            html.Append(Looks(model.Detail, sequential, format));
        html.Append(Results(model, format));
        html.Append(Curves(model));
        html.Append(RunTable(model, format));
        return PageLayout.Page(batch.Name, html.ToString(), live: BatchStatus.IsActive(batch.Status));
    }

    private static string Header(BatchDetail detail)
    {
        var b = detail.Batch;
        var baseSpec = detail.Spec?["base"]?.ToJsonString() ?? "{}";
        var baselineRecipe = detail.Arms.FirstOrDefault(a => a.IsBaseline)?.Recipe;
        var arms = string.Concat(detail.Arms.Select(a => $"""
            <tr><td>{E(a.Name)}{(a.IsBaseline ? " <span class=\"muted\">(baseline)</span>" : "")}</td><td title="{E(Compact(a.Variant))}">{Changes(a, baselineRecipe)}</td><td><code title="{E(a.RecipeHash)}">{E(a.RecipeHash[..12])}</code></td></tr>
            """));
        return $"""
            <h1>{E(b.Name)} <span class="status s-{E(b.Status)}" id="status">{E(b.Status)}</span></h1>
            <p>Batch {b.Id} · queue <b>{E(b.Queue)}</b>, priority {E(b.Priority)} · {b.Seeds.Length} seeds ({E(string.Join(", ", b.Seeds.Take(12)))}{(b.Seeds.Length > 12 ? ", …" : "")}) · data {E(b.Data ?? "the workers' CIFAR-10")}
            · created {PageLayout.Time(b.CreatedAt)}{(b.StartedAt is { } s ? $", started {PageLayout.Time(s)}" : "")}{(b.FinishedAt is { } f ? $", finished {PageLayout.Time(f)}" : "")}</p>
            <p>Base recipe: <code>{E(baseSpec)}</code></p>
            <table id="arms"><tr><th>arm</th><th>differs from the baseline</th><th>recipe hash</th></tr>{arms}</table>
            """;
    }

    /// <summary>The arm's recipe against the baseline's, field by field (<c>ema: true → false</c>); the variant it came from is the cell's title.</summary>
    private static string Changes(ArmRecord arm, JsonNode? baseline)
    {
        if (arm.IsBaseline)
            return """<span class="muted">—</span>""";
        var changes = RecipeDiff.Between(baseline, arm.Recipe);
        return changes.Count == 0
            ? """<span class="muted">the same recipe</span>"""
            : string.Join("<br>", changes.Select(c => $"<code>{E(c.ToString())}</code>"));
    }

    private static string Progress(BatchDetail detail)
    {
        return $"""
            <h2>Progress</h2>
            {PageLayout.ProgressBar(detail.Batch.Runs, BatchStatus.IsActive(detail.Batch.Status) ? detail.Batch.Id : null)}
            <p id="progress-text">{E(ProgressText(detail))}</p>
            """;
    }

    public static string ProgressText(BatchDetail detail)
    {
        var r = detail.Batch.Runs;
        var from = detail.Progress.EstimatedFrom is { } source && source != "finished runs" ? $" (estimated from {source})" : "";
        var left = detail.Progress.SecondsLeft is { } s && BatchStatus.IsActive(detail.Batch.Status) ? $"; about {Duration(s)} left{from}" : "";
        var mean = detail.Progress.MeanRunSeconds is { } m ? $"; {(from.Length > 0 ? "expected" : "mean")} run {Duration(m)}" : "";
        var ahead = detail.RunsAhead is > 0 and var n ? $"; {n} queued runs of other batches go first on the {detail.Batch.Queue} workers" : "";
        return $"{r.Finished} of {r.Total} runs finished: {r.Succeeded} done, {r.Running} running, {r.Queued} queued, {r.Failed} failed, {r.Cancelled} cancelled{mean}{left}{ahead}.";
    }

    /// <summary>A sequential batch: its design, every look with each arm's repeated interval and decision, the boundary plot, what stopping saved.</summary>
    private static string Looks(BatchDetail detail, SequentialProgress sequential, MetricFormat format)
    {
        var design = sequential.Design;
        var margin = design["margin"] is { } m ? $", equivalence margin ±{E(format.Difference(m.GetValue<double>()))}" : "";
        var compared = detail.Arms.Where(a => !a.IsBaseline).Select(a => a.Name).ToList();
        var rows = string.Concat(sequential.Looks.SelectMany(look => look.Arms.Select(a => $"""
            <tr><td class="num">{look.Look}</td><td class="num">{look.Seeds}</td><td>{E(a.Arm)}</td><td class="num">{a.N}{(a.Missing + a.BaselineMissing > 0 ? $" ({a.Missing + a.BaselineMissing} missing)" : "")}</td>
            <td class="num">{E(V(a.Alpha, AblationAnalysis.Format))}</td><td class="num">{a.Z.ToString("0.###", CultureInfo.InvariantCulture)}</td><td class="num">{E(AblationAnalysis.Format(a.NominalP))}</td>
            <td class="num">{E(V(a.Difference, format.Difference))}</td><td class="num">{E(V(a.CiLow, format.Difference))} … {E(V(a.CiHigh, format.Difference))}</td>
            <td class="num">{E(V(a.P, AblationAnalysis.Format))}</td><td class="{VerdictClass(a.Decision)}">{E(a.Decision)}</td></tr>
            """)));
        var decisions = string.Join(", ", detail.Arms.Where(a => a.Decision is not null).Select(a => $"{a.Name}: {a.Decision} at look {a.DecidedAtLook}"));
        var saved = sequential.DeviceSecondsSaved is { } seconds ? $", about {Duration(seconds)} of device time" : "";
        return $"""
            <h2>Looks</h2>
            <p>Sequential design: looks at {E(string.Join(", ", design["looks"]!.AsArray().Select(n => n!.ToJsonString())))} seeds per arm, {E(design["spending"]!.GetValue<string>())}-type α spending,
            each of {compared.Count} comparisons starting at α/{compared.Count}{margin}{(design["margin"] is null ? " (the α of an arm shown different passes to the arms still open, Holm-type)" : "")}. Decided: {E(decisions.Length == 0 ? "none yet" : decisions)}.
            Stopping saved {sequential.RunsSaved} of {sequential.RunsPlanned} runs{saved}.</p>
            <div class="plots">{Plots.Boundary(sequential.Looks, compared)}</div>
            <table id="looks"><tr><th class="num">look</th><th class="num">seeds</th><th>arm</th><th class="num">n</th><th class="num">α held</th><th class="num">boundary z</th><th class="num">nominal p</th>
            <th class="num">difference</th><th class="num">repeated interval</th><th class="num">p</th><th>decision</th></tr>{rows}</table>
            """;
    }

    private static string Results(BatchPageModel model, MetricFormat format)
    {
        var analysis = model.Analysis.Analysis;
        var choices = string.Concat(Metric.All.Select(m => m.Name == model.Metric.Name
            ? $"""<a class="current" href="?metric={m.Name}">{m.Name}</a>"""
            : $"""<a href="?metric={m.Name}">{m.Name}</a>"""));
        var comparisons = analysis.Comparisons.ToDictionary(c => c.Arm);
        var baseline = analysis.Arms.FirstOrDefault(a => a.Name == analysis.Baseline);
        var runsByArm = model.Runs.Where(r => r.Status == "succeeded").GroupBy(r => r.Arm).ToDictionary(g => g.Key, g => g.ToList());
        var dots = analysis.Arms.Select(a => new ArmDots(a.Name,
            (runsByArm.GetValueOrDefault(a.Name) ?? []).Where(r => r.Value(model.Metric) is { } v && double.IsFinite(v)).Select(r => (r.Seed, r.Value(model.Metric)!.Value)).ToList(),
            a.Summary.Mean, a.Summary.CiLow, a.Summary.CiHigh)).ToList();

        var rows = new StringBuilder();
        foreach (var arm in analysis.Arms)
        {
            var c = comparisons.GetValueOrDefault(arm.Name);
            var sum = arm.Summary;
            rows.Append($"""
                <tr data-arm="{E(arm.Name)}"><td>{E(arm.Name)}{(arm.Name == analysis.Baseline ? " <span class=\"muted\">(baseline)</span>" : "")}</td>
                {Num("n", sum.N, sum.N.ToString(CultureInfo.InvariantCulture))}
                {Num("mean", sum.Mean, V(sum.Mean, format.Value))}
                {Num("sd", sum.StandardDeviation, V(sum.StandardDeviation, format.Spread))}
                <td class="num" data-field="ci" data-low="{R(sum.CiLow)}" data-high="{R(sum.CiHigh)}">{(sum.CiLow is { } lo && sum.CiHigh is { } hi ? $"{E(format.Value(lo))} … {E(format.Value(hi))}" : "—")}</td>
                {Num("difference", c?.Test.Difference, V(c?.Test.Difference, format.Difference))}
                <td class="num" data-field="difference-ci" data-low="{R(c?.Test.CiLow)}" data-high="{R(c?.Test.CiHigh)}">{(c?.Test.CiLow is { } dlo && c.Test.CiHigh is { } dhi ? $"{E(format.Difference(dlo))} … {E(format.Difference(dhi))}" : "—")}</td>
                {Num("p", c?.Test.PTwoSided, MetricFormat.P(c?.Test.PTwoSided))}
                {Num("p-adjusted", c?.PAdjusted, MetricFormat.P(c?.PAdjusted))}
                {Num("hedges-g", c?.Test.HedgesG, V(c?.Test.HedgesG, g => MetricFormat.F(g, "0.00")))}
                <td data-field="verdict" class="{VerdictClass(c?.Verdict)}">{E(c is null ? arm.Name == analysis.Baseline ? "baseline" : "—" : Verdict.Describe(c.Verdict, analysis.Margin))}</td>
                {Num("runs-to-detect", c?.RunsPerArmToDetectObserved, V(c?.RunsPerArmToDetectObserved, n => MetricFormat.F(Math.Ceiling(n), "0")))}</tr>
                """);
        }
        var notes = analysis.Notes.Count == 0 ? "" : $"<ul class=\"muted\">{string.Concat(analysis.Notes.Select(n => $"<li>{E(n)}</li>"))}</ul>";
        return $"""
            <h2>Results</h2>
            <p class="metrics">Metric: {choices}</p>
            {Headlines(analysis, format)}
            <p id="based-on">{E(model.Analysis.BasedOn)} {E(analysis.Test)} test, {E(analysis.Correction)} correction, {Pct(analysis.Level * 100)}% intervals, goal {E(analysis.Goal)}.</p>
            <figure id="dots">{Plots.Dots(dots, baseline?.Summary.Mean, format, analysis.Level)}
            <figcaption class="muted">Each dot is a run; the black tick is the arm's mean and the bar its {Pct(analysis.Level * 100)}% confidence interval; the dashed line is the baseline's mean.</figcaption></figure>
            <table id="analysis"><tr><th>arm</th><th class="num">n</th><th class="num">mean</th><th class="num">sd</th><th class="num">{Pct(analysis.Level * 100)}% CI</th>
            <th class="num">difference vs {E(analysis.Baseline)}</th><th class="num">CI of difference</th><th class="num">p</th><th class="num">p ({E(analysis.Correction)})</th>
            <th class="num">Hedges g</th><th>verdict</th><th class="num">runs/arm to detect</th></tr>{rows}</table>
            <p id="planning">{E(PlanningText(analysis.Planning, format))}</p>
            {notes}
            """;
    }

    /// <summary>
    /// One sentence per comparison, in the metric's units, before any table: the difference with its interval,
    /// the adjusted p and the verdict, the paired test beside it, and what the observed difference would need.
    /// </summary>
    private static string Headlines(AnalysisResult analysis, MetricFormat format)
    {
        var level = Pct(analysis.Level * 100);
        var correction = analysis.Correction.Length == 0 ? "" : char.ToUpperInvariant(analysis.Correction[0]) + analysis.Correction[1..];
        var sentences = analysis.Comparisons.Where(c => c.Test.Difference is not null).Select(c =>
        {
            var t = c.Test;
            var interval = t.CiLow is { } lo && t.CiHigh is { } hi ? $" ({level}% CI {format.Difference(lo)} … {format.Difference(hi)})" : "";
            var p = c.PAdjusted is { } adjusted ? $", {correction} p = {MetricFormat.P(adjusted)}" : "";
            var paired = c.Paired?.PTwoSided is { } pp ? $" (paired p = {MetricFormat.P(pp)})" : "";
            var resolve = c.Verdict is Verdict.NoSignificantDifference or Verdict.Undecided && c.RunsPerArmToDetectObserved is { } n
                ? $"; about {Math.Ceiling(n):0} runs per arm would resolve the observed difference" : "";
            return $"""<li data-arm="{E(c.Arm)}">{E($"{c.Arm} − {c.Against} = {format.Difference(t.Difference!.Value)}{interval}{p}{paired}: ")}<span class="{VerdictClass(c.Verdict)}">{E(Verdict.Describe(c.Verdict, analysis.Margin))}</span>{E(resolve)}.</li>""";
        }).ToList();
        return sentences.Count == 0 ? "" : $"""<ul id="headlines">{string.Concat(sentences)}</ul>""";
    }

    /// <summary>The planning note in the metric's units (points, seconds) rather than raw fractions.</summary>
    private static string PlanningText(Planning planning, MetricFormat format)
    {
        if (planning.Sd is not { } sd)
            return planning.Summary;
        var parts = new List<string> { $"Run-to-run sd {format.Spread(sd)} ({planning.SdSource})." };
        var power = Pct(planning.Power * 100);
        if (planning.MinimumDetectableDifference is { } mdd)
            parts.Add($"With {planning.RunsPerArm} runs per arm, a difference of {format.Spread(mdd)} is detected with {power}% power at α = {AblationAnalysis.Format(planning.Alpha)}.");
        if (planning.TargetDifference is { } target)
            parts.Add(planning.RunsPerArmForTarget is { } n
                ? $"Detecting {format.Spread(Math.Abs(target))} with {power}% power needs {Math.Ceiling(n):0} runs per arm."
                : $"Detecting {format.Spread(Math.Abs(target))} with {power}% power needs more than ten million runs per arm.");
        return string.Join(" ", parts);
    }

    private static string Curves(BatchPageModel model)
    {
        var arms = model.Detail.Arms.Select(a => a.Name).ToList();
        ArmCurve Curve(string arm, Func<EpochPoint, double> value) => new(arm, model.Epochs.Where(e => e.Arm == arm).GroupBy(e => e.Epoch).OrderBy(g => g.Key)
            .Select(g =>
            {
                var values = g.Select(value).ToList();
                var (mean, sd) = values.MeanStandardDeviation();
                sd = values.Count > 1 ? sd : 0; // one run: no spread to draw
                return (g.Key, mean, mean - sd, mean + sd, values.Count);
            }).ToList());
        var legend = string.Concat(arms.Select((a, i) => $"""<span><svg width="24" height="6"><line x1="0" y1="3" x2="24" y2="3" stroke-width="2" {Plots.Stroke(i)}/></svg> {E(a)}</span>"""));
        var planned = model.Detail.Arms.Max(a => a.Recipe?["epochs"]?.GetValue<int>() ?? 0);
        var accuracy = Plots.Curves(arms.Select(a => Curve(a, e => e.TestAccuracy)).ToList(), "test accuracy (%)", v => MetricFormat.F(v * 100, "0.#"), "test accuracy per epoch, mean and ± sd band per arm", planned);
        var loss = Plots.Curves(arms.Select(a => Curve(a, e => e.TrainLoss)).ToList(), "training loss (per example)", v => MetricFormat.F(v, "0.00"), "training loss per epoch, mean and ± sd band per arm", planned);
        return $"""
            <h2>Per epoch</h2>
            <p class="legend">{legend} <span class="muted">lines: mean over the arm's runs; bands: ± one standard deviation</span></p>
            <div class="plots"><figure id="accuracy-curves">{accuracy}</figure><figure id="loss-curves">{loss}</figure></div>
            """;
    }

    /// <summary>For a running run: steps done of its total and how long it has been running.</summary>
    private static string RunningFor(RunRecord run) =>
        run is { Status: "running", StartedAt: { } started }
            ? $""" <span class="muted" data-field="run-progress">{(run.StepsTotal is > 0 ? $"{run.StepsDone}/{run.StepsTotal} steps, " : "")}{Duration((DateTime.UtcNow - DateTime.SpecifyKind(started, DateTimeKind.Utc)).TotalSeconds)}</span>"""
            : "";

    private static string RunTable(BatchPageModel model, MetricFormat format)
    {
        var rows = string.Concat(model.Runs.Select(r => $"""
            <tr><td><a href="/ui/runs/{r.Id}">{r.Id}</a></td><td>{E(r.Arm)}</td><td class="num">{r.Seed}</td><td><span class="status s-{E(r.Status)}">{E(r.Status)}</span>{RunningFor(r)}</td>
            <td class="num">{r.Attempt}</td><td class="num">{E(V(r.Value(model.Metric), format.Value))}</td><td class="num">{E(V(r.TrainingSeconds, s => MetricFormat.F(s, "0.0")))}</td>
            <td>{E(r.WorkerName ?? "")}</td><td>{E(r.DeviceName ?? "")}</td><td>{(r.JobId is { } job ? $"<a href=\"/hangfire/jobs/details/{E(job)}\">job {E(job)}</a>" : "")}</td>
            <td class="muted">{E(r.Error ?? r.StopReason ?? "")}</td></tr>
            """));
        return $"""
            <h2>Runs</h2>
            <p><a href="/batches/{model.Detail.Batch.Id}/runs?format=csv">Download the run table (CSV)</a> · <a href="/batches/{model.Detail.Batch.Id}/epochs">every epoch of every run (CSV)</a> · <a href="/batches/{model.Detail.Batch.Id}/analysis">analysis (JSON)</a></p>
            <table id="runs"><tr><th>run</th><th>arm</th><th class="num">seed</th><th>status</th><th class="num">attempt</th><th class="num">{E(model.Metric.Name)}</th>
            <th class="num">training s</th><th>worker</th><th>device</th><th>Hangfire</th><th>error</th></tr>{rows}</table>
            """;
    }

    private static string Num(string field, double? value, string text) =>
        $"""<td class="num" data-field="{field}" data-value="{R(value)}">{E(text)}</td>""";

    private static string R(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string V(double? value, Func<double, string> format) => value is { } v && double.IsFinite(v) ? format(v) : "—";

    private static string VerdictClass(string? verdict) => verdict switch
    {
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        Verdict.Equivalent => "equivalent",
        _ => "muted",
    };

    private static string Compact(JsonNode? variant)
    {
        if (variant is not JsonObject v)
            return "";
        var parts = new List<string> { $"preset {v["preset"]}" };
        if (v["on"] is JsonArray { Count: > 0 } on)
            parts.Add($"on: {string.Join(", ", on)}");
        if (v["off"] is JsonArray { Count: > 0 } off)
            parts.Add($"off: {string.Join(", ", off)}");
        if (v["overrides"] is JsonObject { Count: > 0 } overrides)
            parts.Add(overrides.ToJsonString());
        return string.Join(" · ", parts);
    }

    private static string Pct(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds)) switch
    {
        var t when t.TotalHours >= 1 => $"{(int)t.TotalHours} h {t.Minutes} min",
        var t when t.TotalMinutes >= 1 => $"{t.Minutes} min {t.Seconds} s",
        var t => $"{t.Seconds} s",
    };

    private static string E(string text) => PageLayout.Encode(text);
}
