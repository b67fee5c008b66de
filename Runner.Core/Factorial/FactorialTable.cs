using System.Globalization;
using Runner.Core.Batches;
using Runner.Core.Statistics;
using Runner.Core.Validation;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Runner.Core.Statistics.AnalysisTable;

namespace Runner.Core.Factorial;

/// <summary>A factorial batch's analysis as plain-text tables (the API's text/plain form and the command line).</summary>
public static class FactorialTable
{
    public static string Render(FactorialBatchAnalysis analysis, int width = 200) => Write(Parts(analysis), width);

    private static IEnumerable<IRenderable> Parts(FactorialBatchAnalysis a)
    {
        var level = $"{(a.Level * 100).ToString("0.##", CultureInfo.InvariantCulture)}%";
        var d = a.Design;
        var correction = JsonNames.Of(a.Correction);
        yield return new Text($"{a.Batch} (batch {a.BatchId}): {a.BasedOn}\n\nFactorial analysis of {a.Metric}: {d.Design}; errors from "
            + $"{(a.Analysis.ErrorEstimate == ErrorEstimate.Lenth ? "Lenth's pseudo standard error" : "the residual")} on {F(a.Analysis.Df)} df; {correction} within each family; {level} intervals.\n\n");

        var factors = new Table().Border(TableBorder.Simple).AddColumns("letter", "factor", "low", "high", "base");
        foreach (var f in d.Factors)
            Row(factors, f.Letter, f.Trick ?? f.Field!, f.Trick is null ? f.Low!.ToJsonString() : "off", f.Trick is null ? f.High!.ToJsonString() : "on",
                f.BaseLevel switch { 1 => "high", -1 => "low", _ => "neither" });
        yield return factors;
        yield return new Text($"Generators: {(d.Generators.Count == 0 ? "none" : string.Join(", ", d.Generators))}. Defining relation: {d.DefiningRelation}.\n\n");

        foreach (var (title, effects) in new[] { ("main effect", a.Analysis.MainEffects), ("interaction", a.Analysis.Interactions), ("effect at the base recipe", a.Analysis.AtBase) })
        {
            if (effects.Count == 0)
                continue;
            var table = new Table().Border(TableBorder.Simple).AddColumns(title, "meaning", "aliases", "effect", "se", $"{level} CI", "t", "df", "p", $"p ({correction})", "significant");
            foreach (var e in effects)
                Row(table, e.Term, e.Label, string.Join(" = ", e.AliasChain), F(e.Estimate), F(e.StandardError), Interval(e.Lower, e.Upper), F(e.T), F(e.Df), P(e.P),
                    P(e.AdjustedP), e.Significant ? "yes" : "no");
            yield return table;
        }
        foreach (var note in a.Analysis.Notes)
            yield return new Text($"Note: {note}\n");
    }
}
