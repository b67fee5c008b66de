using System.Globalization;
using Runner.Core.Workers;

namespace Runner.Api.Pages;

/// <summary>What the workers page shows: every worker, the run each one is on, and how many jobs wait in each queue.</summary>
public sealed record WorkersPageModel(IReadOnlyList<WorkerRecord> Workers, IReadOnlyDictionary<Guid, WorkerRun> Runs, IReadOnlyList<(string Queue, long Waiting)> Queues);

/// <summary><c>/ui/workers</c>: each worker with its device, status, current run and last heartbeat; the queues' depths.</summary>
public static class WorkersPage
{
    public static string Render(WorkersPageModel model)
    {
        var rows = string.Concat(model.Workers.Select(w => $"""
            <tr><td>{E(w.Name)}</td><td><span class="status s-{E(Status(w.Status))}">{E(w.Status)}</span></td><td>{E(w.Device)} · {E(w.DeviceName)}</td>
            <td>{E(string.Join(", ", w.Queues))}</td><td>{Run(model.Runs.GetValueOrDefault(w.Id))}</td>
            <td class="num" title="{PageLayout.Time(w.HeartbeatAt)}">{E(Age(w.HeartbeatAgeSeconds))}</td><td>TorchSharp {E(w.TorchsharpVersion)}, libtorch {E(w.LibtorchVersion)}, {w.Threads} threads</td></tr>
            """));
        var queues = model.Queues.Count == 0
            ? """<p class="muted">No job is waiting.</p>"""
            : $"""<table id="queues"><tr><th>queue</th><th class="num">jobs waiting</th></tr>{string.Concat(model.Queues.Select(q => $"<tr><td>{E(q.Queue)}</td><td class=\"num\">{q.Waiting}</td></tr>"))}</table>""";
        return PageLayout.Page("Workers", $"""
            <h1>Workers</h1>
            <table id="workers"><tr><th>worker</th><th>status</th><th>device</th><th>queues</th><th>running</th><th class="num">last heartbeat</th><th>libraries</th></tr>{rows}</table>
            <h2>Queues</h2>
            {queues}
            """);
    }

    private static string Run(WorkerRun? run) => run is null
        ? """<span class="muted">idle</span>"""
        : $"""<a href="/ui/runs/{run.RunId}">run {run.RunId}</a> of <a href="/ui/batches/{run.BatchId}">{E(run.Batch)}</a> · {E(run.Arm)} · seed {run.Seed}{(run.StepsTotal is > 0 ? $" · {run.StepsDone}/{run.StepsTotal} steps" : "")}""";

    // The page's status colours are those of runs: alive is running, lost failed, stopped cancelled.
    private static string Status(string status) => status switch
    {
        WorkerStatus.Alive => "running",
        WorkerStatus.Lost => "failed",
        _ => "cancelled",
    };

    private static string Age(double seconds) => seconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s ago")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min ago");

    private static string E(string text) => PageLayout.Encode(text);
}
