using System.Globalization;
using System.Net;
using System.Text;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>
/// The HTML around every page. The style sheet and the live-progress script are served by this API
/// (<see cref="StylePath"/>, <see cref="ScriptPath"/>), so the pages' content security policy can allow
/// only them; nothing is fetched from elsewhere, and no markup carries inline styles or scripts.
/// </summary>
public static class PageLayout
{
    public const string StylePath = "/ui/site.css";
    public const string ScriptPath = "/ui/live.js";

    public const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1180px; padding: 16px 24px; color: #222; }
        h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        a { color: #1a5fb4; } nav a { margin-right: 14px; }
        table { border-collapse: collapse; margin: 6px 0; } th, td { padding: 3px 9px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.num { white-space: nowrap; } code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; }
        .status { display: inline-block; padding: 1px 8px; border-radius: 9px; color: #fff; font-size: 12px; }
        .s-queued { background: #888; } .s-running { background: #1a5fb4; } .s-completed, .s-succeeded { background: #2e7d32; }
        .s-failed { background: #c62828; } .s-cancelled { background: #555; }
        .bar { display: block; height: 18px; width: 100%; max-width: 860px; background: #e8e8e8; border-radius: 4px; } td.progress { width: 220px; }
        .b-succeeded { fill: #2e7d32; } .b-failed { fill: #c62828; } .b-cancelled { fill: #555; } .b-running { fill: #1a5fb4; } .b-queued { fill: #bbb; }
        .better { color: #2e7d32; font-weight: 600; } .worse { color: #c62828; font-weight: 600; } .equivalent { color: #1a5fb4; font-weight: 600; } .muted { color: #777; }
        .metrics a { margin-right: 10px; } .metrics a.current { font-weight: 700; text-decoration: none; color: #222; }
        .plots { display: flex; flex-wrap: wrap; gap: 16px; } .plots svg { max-width: 100%; height: auto; } .legend span { margin-right: 14px; } .legend svg { vertical-align: middle; }
        svg text { font: 12px system-ui, sans-serif; fill: #333; } svg .label { font-size: 13px; } svg .arm { font-size: 13px; }
        svg .axis { stroke: #444; } svg .grid { stroke: #eee; } svg .baseline { stroke: #444; }
        svg .run { fill-opacity: 0.75; } svg .ci { stroke: #111; stroke-width: 2; } svg .mean { stroke: #111; stroke-width: 3; }
        svg .band { fill-opacity: 0.15; stroke: none; } svg .curve { fill: none; stroke-width: 2; }
        """;

    /// <summary>
    /// Runs by status as one bar (finished first, then running, then queued), drawn in SVG so that no
    /// inline style is needed; with <paramref name="batchId"/> the live script follows the batch and redraws it.
    /// </summary>
    public static string ProgressBar(RunCounts runs, long? batchId = null)
    {
        var total = Math.Max(1, runs.Total);
        var segments = new[] { ("succeeded", runs.Succeeded), ("failed", runs.Failed), ("cancelled", runs.Cancelled), ("running", runs.Running), ("queued", runs.Queued) };
        var x = 0.0;
        var rects = new StringBuilder();
        foreach (var (status, count) in segments)
        {
            var width = 100.0 * count / total;
            rects.Append(CultureInfo.InvariantCulture, $"""<rect class="b-{status}" data-status="{status}" x="{x:0.##}" width="{width:0.##}" height="1"><title>{count} {status}</title></rect>""");
            x += width;
        }
        var live = batchId is { } id ? $""" id="bar" data-batch="{id}" data-finished="{runs.Finished}" """ : " ";
        return $"""<svg class="bar"{live}viewBox="0 0 100 1" preserveAspectRatio="none" role="img" aria-label="{runs.Finished} of {runs.Total} runs finished">{rects}</svg>""";
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A page; <paramref name="live"/> adds the script that follows a running batch.</summary>
    public static string Page(string title, string body, bool live = false) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} · Runner</title>
        <link rel="stylesheet" href="{StylePath}">
        </head>
        <body>
        <nav><a href="/ui/batches">Batches</a><a href="/ui/workers">Workers</a><a href="/hangfire">Jobs dashboard</a><a href="/scalar">API</a></nav>
        {body}
        {(live ? $"<script src=\"{ScriptPath}\"></script>" : "")}
        </body>
        </html>
        """;

    /// <summary>
    /// While a batch runs, its page follows GET /batches/{id}: the bar and the text are redrawn every
    /// 3 s and the page reloads when a run finishes (redrawing the plots) or the batch ends. While a run is
    /// queued or running, its page follows GET /runs/{id} and reloads when an epoch is stored or the status changes.
    /// </summary>
    public const string LiveScript = """
        const bar = document.getElementById('bar');
        async function refresh() {
          try {
            const response = await fetch('/batches/' + bar.dataset.batch, { headers: { 'Accept': 'application/json' } });
            if (!response.ok) return;
            const detail = await response.json();
            const runs = detail.batch.runs;
            if (runs.finished !== Number(bar.dataset.finished) || !['queued', 'running'].includes(detail.batch.status)) { location.reload(); return; }
            let x = 0;
            for (const segment of bar.querySelectorAll('rect')) {
              const width = 100 * runs[segment.dataset.status] / Math.max(1, runs.total);
              segment.setAttribute('x', x);
              segment.setAttribute('width', width);
              x += width;
            }
            const left = detail.progress.secondsLeft == null ? '' : '; about ' + Math.round(detail.progress.secondsLeft) + ' s left';
            document.getElementById('progress-text').textContent = runs.finished + ' of ' + runs.total + ' runs finished: ' + runs.succeeded + ' done, '
              + runs.running + ' running, ' + runs.queued + ' queued, ' + runs.failed + ' failed, ' + runs.cancelled + ' cancelled' + left + '.';
          } catch (e) { }
        }
        if (bar) setInterval(refresh, 3000);
        const run = document.getElementById('run-live');
        async function refreshRun() {
          try {
            const response = await fetch('/runs/' + run.dataset.run, { headers: { 'Accept': 'application/json' } });
            if (!response.ok) return;
            const detail = await response.json();
            if (detail.run.status !== run.dataset.status || detail.epochs.length !== Number(run.dataset.epochs)) location.reload();
          } catch (e) { }
        }
        if (run) setInterval(refreshRun, 3000);
        """;
}
