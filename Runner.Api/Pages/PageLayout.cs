namespace Runner.Api.Pages;

/// <summary>
/// The assets of every page. The style sheet and the live-progress script are served by this API
/// (<see cref="StylePath"/>, <see cref="ScriptPath"/>), so the pages' content security policy can allow
/// only them; nothing is fetched from elsewhere, and no markup carries inline styles or scripts.
/// </summary>
public static class PageLayout
{
    public const string StylePath = "/ui/site.css";
    public const string ScriptPath = "/ui/live.js";

    public const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1360px; padding: 16px 24px; color: #222; }
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
        svg .zero { stroke: #444; stroke-dasharray: 5 4; } svg .margin { fill: #1a5fb4; fill-opacity: 0.08; }
        svg .paired-ci { stroke: #555; stroke-width: 1.5; } svg .paired-estimate { fill: #555; } svg .seed-difference { fill-opacity: 0.75; } svg .significant { stroke: #111; stroke-width: 2; }
        #analysis, #looks, #runs, #compared { display: block; overflow-x: auto; max-width: 100%; } #analysis th { font-size: 13px; }
        figure { margin: 8px 0; } figcaption { max-width: 860px; } pre { white-space: pre-wrap; }
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
