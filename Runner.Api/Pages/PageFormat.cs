using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Core.Statistics;

namespace Runner.Api.Pages;

/// <summary>How the pages write times, durations, optional numbers and verdicts; the components encode what these return.</summary>
public static class PageFormat
{
    public static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    public static string Duration(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds)) switch
    {
        var t when t.TotalHours >= 1 => $"{(int)t.TotalHours} h {t.Minutes} min",
        var t when t.TotalMinutes >= 1 => $"{t.Minutes} min {t.Seconds} s",
        var t => $"{t.Seconds} s",
    };

    /// <summary>A share or level in percent without needless decimals: 95, 99.5.</summary>
    public static string Pct(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An optional value through a format; "—" when it is absent or not finite.</summary>
    public static string V(double? value, Func<double, string> format) => value is { } v && double.IsFinite(v) ? format(v) : "—";

    /// <summary>A value round-trippable for data attributes, which tests and scripts read back exactly.</summary>
    public static string? R(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An SVG coordinate.</summary>
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The style of a verdict: better, worse and equivalent stand out, the rest is muted.</summary>
    public static string VerdictClass(Verdict? verdict) => verdict switch
    {
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        Verdict.Equivalent => "equivalent",
        _ => "muted",
    };

    /// <summary>The style of a sequential look's decision, stored by its lower-case name (SequentialLooks.Name), by the same rule.</summary>
    public static string DecisionClass(string? decision) =>
        Enum.TryParse<SequentialDecision>(decision, ignoreCase: true, out var d) ? d switch
        {
            SequentialDecision.Better => "better",
            SequentialDecision.Worse => "worse",
            SequentialDecision.Equivalent => "equivalent",
            _ => "muted",
        } : "muted";

    /// <summary>The variant an arm came from, in one line (the title of its recipe changes).</summary>
    public static string Compact(JsonNode? variant)
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

    public static string Age(double seconds) => seconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s ago")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min ago");
}
