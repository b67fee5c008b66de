using System.Globalization;
using System.Text.Json;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary><c>/ui/runs/{id}</c>: one run for people: where and how it ran, its result, its recipe and its epochs.</summary>
public static class RunPage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Render(RunDetail detail)
    {
        var r = detail.Run;
        var facts = new (string Name, string? Value)[]
        {
            ("batch", null), ("arm", r.Arm), ("seed", r.Seed.ToString(CultureInfo.InvariantCulture)), ("attempt", r.Attempt.ToString(CultureInfo.InvariantCulture)),
            ("progress", r.Status == "running" && r.StepsTotal is > 0 ? $"{r.StepsDone}/{r.StepsTotal} steps" : null),
            ("test accuracy", P(r.TestAccuracy)), ("TTA accuracy", P(r.TtaAccuracy)), ("final training loss", F(r.TrainLoss, "0.0000")),
            ("training seconds", F(r.TrainingSeconds, "0.0")), ("total seconds", F(r.TotalSeconds, "0.0")), ("steps", r.Steps?.ToString(CultureInfo.InvariantCulture)),
            ("worker", r.WorkerName), ("device", r.DeviceName is null ? r.Device : $"{r.Device} ({r.DeviceName})"), ("threads", r.Threads?.ToString(CultureInfo.InvariantCulture)),
            ("TorchSharp / libtorch", r.TorchsharpVersion is null ? null : $"{r.TorchsharpVersion} / {r.LibtorchVersion}"), ("data", r.Data),
            ("queued / started / finished", $"{PageLayout.Time(r.QueuedAt)} / {PageLayout.Time(r.StartedAt)} / {PageLayout.Time(r.FinishedAt)}"), ("recipe hash", r.RecipeHash), ("error", r.Error),
        };
        var rows = string.Concat(facts.Where(f => f.Name == "batch" || f.Value is not null).Select(f => f.Name == "batch"
            ? $"""<tr><th>batch</th><td><a href="/ui/batches/{r.BatchId}">batch {r.BatchId}</a></td></tr>"""
            : $"<tr><th>{E(f.Name)}</th><td>{E(f.Value!)}</td></tr>"));
        var epochs = string.Concat(detail.Epochs.Select(e => $"""
            <tr><td class="num">{e.Epoch}</td><td class="num">{F(e.TrainLoss, "0.0000")}</td><td class="num">{P(e.TrainAccuracy)}</td><td class="num">{P(e.TestAccuracy)}</td>
            <td class="num">{F(e.LearningRate, "0.0000")}</td><td class="num">{F(e.EpochSeconds, "0.0")}</td></tr>
            """));
        var curve = new ArmCurve(r.Arm, detail.Epochs.Select(e => (e.Epoch, e.TestAccuracy, e.TestAccuracy, e.TestAccuracy, 1)).ToList());
        var job = r.JobId is null ? "" : $""" · <a href="/hangfire/jobs/details/{E(r.JobId)}">Hangfire job {E(r.JobId)}</a>""";
        var active = r.Status is "queued" or "running";
        var live = active ? $""" id="run-live" data-run="{r.Id}" data-status="{E(r.Status)}" data-epochs="{detail.Epochs.Count}" """ : "";
        return PageLayout.Page($"Run {r.Id}", $"""
            <h1{live}>Run {r.Id} <span class="status s-{E(r.Status)}">{E(r.Status)}</span></h1>
            <p><a href="/runs/{r.Id}">JSON</a>{job}</p>
            <table id="run">{rows}</table>
            <h2>Epochs</h2>
            <div class="plots"><figure>{Plots.Curves([curve], "test accuracy (%)", v => MetricFormat.F(v * 100, "0.#"), "test accuracy per epoch", detail.Recipe?["epochs"]?.GetValue<int>() ?? 0)}</figure>
            <table id="epochs"><tr><th class="num">epoch</th><th class="num">train loss</th><th class="num">train acc</th><th class="num">test acc</th><th class="num">lr / example</th><th class="num">epoch s</th></tr>{epochs}</table></div>
            <h2>Recipe</h2>
            <pre><code>{E(detail.Recipe?.ToJsonString(Indented) ?? "")}</code></pre>
            """, live: active);
    }

    private static string? P(double? v) => v is { } x ? MetricFormat.F(x * 100, "0.00") + " %" : null;

    private static string? F(double? v, string format) => v is { } x ? MetricFormat.F(x, format) : null;


    private static string E(string text) => PageLayout.Encode(text);
}
