using System.Globalization;
using System.Net;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>The HTML around every page: everything inline, nothing fetched from elsewhere.</summary>
public static class PageLayout
{
    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1180px; padding: 16px 24px; color: #222; }
        h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        a { color: #1a5fb4; } nav a { margin-right: 14px; }
        table { border-collapse: collapse; margin: 6px 0; } th, td { padding: 3px 9px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.num { white-space: nowrap; } code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; }
        .status { display: inline-block; padding: 1px 8px; border-radius: 9px; color: #fff; font-size: 12px; }
        .s-queued { background: #888; } .s-running { background: #1a5fb4; } .s-completed, .s-succeeded { background: #2e7d32; }
        .s-failed { background: #c62828; } .s-cancelled { background: #555; }
        .bar { display: flex; height: 18px; width: 100%; max-width: 860px; background: #e8e8e8; border-radius: 4px; overflow: hidden; }
        .bar div { height: 100%; } .b-succeeded { background: #2e7d32; } .b-failed { background: #c62828; } .b-cancelled { background: #555; }
        .b-running { background: #1a5fb4; } .b-queued { background: #bbb; }
        .better { color: #2e7d32; font-weight: 600; } .worse { color: #c62828; font-weight: 600; } .muted { color: #777; }
        .metrics a { margin-right: 10px; } .metrics a.current { font-weight: 700; text-decoration: none; color: #222; }
        .plots { display: flex; flex-wrap: wrap; gap: 16px; } .legend span { margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
        svg text { font: 12px system-ui, sans-serif; fill: #333; } svg .label { font-size: 13px; } svg .arm { font-size: 13px; }
        svg .axis { stroke: #444; } svg .grid { stroke: #eee; } svg .baseline { stroke: #444; }
        svg .run { fill-opacity: 0.75; } svg .ci { stroke: #111; stroke-width: 2; } svg .mean { stroke: #111; stroke-width: 3; }
        svg .band { fill-opacity: 0.15; stroke: none; } svg .curve { fill: none; stroke-width: 2; }
        """;

    /// <summary>Runs by status as one bar (finished first, then running, then queued); the live script resizes its segments.</summary>
    public static string ProgressBar(RunCounts runs, string? id = null)
    {
        var total = Math.Max(1, runs.Total);
        var segments = new[] { ("succeeded", runs.Succeeded), ("failed", runs.Failed), ("cancelled", runs.Cancelled), ("running", runs.Running), ("queued", runs.Queued) };
        return $"""<div class="bar"{(id is null ? "" : $" id=\"{id}\"")}>{string.Concat(segments.Select(s =>
            $"""<div class="b-{s.Item1}" data-status="{s.Item1}" style="width:{(100.0 * s.Item2 / total).ToString("0.##", CultureInfo.InvariantCulture)}%" title="{s.Item2} {s.Item1}"></div>"""))}</div>""";
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    public static string Page(string title, string body, string? script = null) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} · Runner</title>
        <style>{Style}</style>
        </head>
        <body>
        <nav><a href="/ui/batches">Batches</a><a href="/hangfire">Jobs dashboard</a><a href="/scalar">API</a></nav>
        {body}
        {(script is null ? "" : $"<script>{script}</script>")}
        </body>
        </html>
        """;
}
