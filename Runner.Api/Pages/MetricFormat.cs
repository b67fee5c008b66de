using System.Globalization;
using Runner.Core.Batches;

namespace Runner.Api.Pages;

/// <summary>
/// How a metric reads on a page: accuracies in percent (differences in points), times in seconds, losses as
/// they are. <see cref="Factor"/> takes a stored value to the axis's units; <see cref="DifferenceUnit"/> names a difference's.
/// </summary>
public sealed record MetricFormat(
    string Label, Func<double, string> Value, Func<double, string> Spread, Func<double, string> Difference, double Factor, string DifferenceUnit)
{
    public static MetricFormat For(Metric metric) => metric.Name switch
    {
        "test-accuracy" or "tta-accuracy" or "train-accuracy" =>
            new($"{Words(metric)} (%)", v => F(v * 100, "0.00") + " %", s => F(s * 100, "0.00") + " pts", d => Signed(d * 100, "0.00") + " pts", 100, "points"),
        "training-seconds" or "total-seconds" =>
            new($"{Words(metric)} (s)", v => F(v, "0.0") + " s", s => F(s, "0.00") + " s", d => Signed(d, "0.00") + " s", 1, "s"),
        _ => new(Words(metric), v => F(v, "0.0000"), s => F(s, "0.0000"), d => Signed(d, "0.0000"), 1, ""),
    };

    /// <summary>An axis label for differences of this metric: "difference to the baseline (points)".</summary>
    public string DifferenceLabel(string what) => DifferenceUnit.Length > 0 ? $"{what} ({DifferenceUnit})" : what;

    private static string Words(Metric metric) => metric.Name.Replace('-', ' ');

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Signed(double value, string format) => (value >= 0 ? "+" : "−") + F(Math.Abs(value), format);

    /// <summary>p-values as papers print them.</summary>
    public static string P(double? p) => p switch
    {
        null => "—",
        < 0.0001 => "< 0.0001",
        _ => F(p.Value, "0.0000"),
    };

    /// <summary>A p-value in a sentence: an equals sign before a value ("p = 0.0123"), none before a bound ("p &lt; 0.0001").</summary>
    public static string PIs(double? p) => P(p) is var text && text.StartsWith('<') ? $"p {text}" : $"p = {text}";
}
