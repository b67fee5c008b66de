using System.Globalization;
using Runner.Core.Validation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Runner.Core.Statistics;

/// <summary>An analysis as plain-text tables for a terminal (the API's text/plain form and the command line).</summary>
public static class AnalysisTable
{
    public static string Render(AnalysisResult result, int width = 200) => Write(Parts(result), width);

    /// <summary>Tables and text as plain text, without colour or markup, <paramref name="width"/> characters wide.</summary>
    public static string Write(IEnumerable<IRenderable> parts, int width = 200)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        foreach (var part in parts)
            console.Write(part);
        return writer.ToString();
    }

    public static IEnumerable<IRenderable> Parts(AnalysisResult r)
    {
        var level = $"{(r.Level * 100).ToString("0.##", CultureInfo.InvariantCulture)}%";
        var correction = JsonNames.Of(r.Correction);
        yield return new Text($"Analysis of {r.Metric ?? "the metric"}: {r.Arms.Count} arms, baseline '{r.Baseline}', {JsonNames.Of(r.Test)} t-test, {correction} correction, {level} intervals, goal {JsonNames.Of(r.Goal)}; {r.RunsUsed} runs used, {r.RunsExcluded} left out.\n\n");

        var arms = new Table().Border(TableBorder.Simple)
            .AddColumns("arm", "n", "mean", "sd", "se", $"{level} CI", "min", "median", "max", "missing", "failed");
        foreach (var a in r.Arms)
        {
            var s = a.Summary;
            Row(arms, a.Name, s.N.ToString(CultureInfo.InvariantCulture), F(s.Mean), F(s.StandardDeviation), F(s.StandardError),
                Interval(s.CiLow, s.CiHigh), F(s.Min), F(s.Median), F(s.Max), a.Missing.ToString(CultureInfo.InvariantCulture),
                (a.Failed + a.Cancelled).ToString(CultureInfo.InvariantCulture));
        }
        yield return arms;

        if (r.Comparisons.Count > 0)
        {
            var columns = new List<string> { "comparison", "difference", $"{level} CI", "t", "df", "p", $"p ({correction})", "Hedges g" };
            if (r.Margin is not null)
                columns.AddRange(["TOST p", $"TOST p ({correction})"]);
            columns.AddRange(["verdict", "paired diff", "paired p", "n to detect"]);
            var comparisons = new Table().Border(TableBorder.Simple).AddColumns([.. columns]);
            foreach (var c in r.Comparisons)
            {
                var t = c.Test;
                var cells = new List<string> { $"{c.Arm} - {c.Against}", F(t.Difference), Interval(t.CiLow, t.CiHigh), F(t.T), F(t.Df), P(t.PTwoSided), P(c.PAdjusted), F(t.HedgesG) };
                if (r.Margin is not null)
                    cells.AddRange([P(c.Equivalence?.P), P(c.EquivalencePAdjusted)]);
                cells.AddRange([c.Verdict.Describe(r.Margin), F(c.Paired?.Difference), P(c.Paired?.PTwoSided),
                    c.RunsPerArmToDetectObserved is { } n ? Math.Ceiling(n).ToString("0", CultureInfo.InvariantCulture) : "-"]);
                Row(comparisons, [.. cells]);
            }
            yield return comparisons;
        }

        yield return new Text($"Planning: {r.Planning.Summary}\n");
        foreach (var note in r.Notes)
            yield return new Text($"Note: {note}\n");
    }

    /// <summary>Cells as plain text: intervals such as [0.1, 0.2] must not be read as Spectre markup.</summary>
    internal static void Row(Table table, params string[] cells)
    {
        table.AddRow(cells.Select(c => new Text(c)));
        foreach (var column in table.Columns)
            column.NoWrap();
    }

    internal static string F(double? v) => v is { } x ? AblationAnalysis.Format(x) : "-";

    internal static string P(double? p) => p switch
    {
        null => "-",
        < 1e-4 => p.Value.ToString("0.0E+0", CultureInfo.InvariantCulture),
        _ => p.Value.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    internal static string Interval(double? low, double? high) => low is null || high is null ? "-" : $"[{F(low)}, {F(high)}]";
}
