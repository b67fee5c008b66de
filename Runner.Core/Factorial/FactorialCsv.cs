using Runner.Core.Batches;

namespace Runner.Core.Factorial;

/// <summary>A factorial analysis's effects as tidy CSV: one row per effect, its family (main, interaction, at-base) a column.</summary>
public static class FactorialCsv
{
    public static string Write(FactorialResult result) => TidyCsv.Write<(string Family, FactorialEffect Effect)>(
        [
            ("family", r => r.Family), ("term", r => r.Effect.Term), ("meaning", r => r.Effect.Label), ("aliases", r => string.Join(" = ", r.Effect.AliasChain)),
            ("estimate", r => r.Effect.Estimate), ("se", r => r.Effect.StandardError), ("t", r => r.Effect.T), ("df", r => r.Effect.Df), ("p", r => r.Effect.P),
            ("p_adjusted", r => r.Effect.AdjustedP), ("ci_low", r => r.Effect.Lower), ("ci_high", r => r.Effect.Upper), ("significant", r => r.Effect.Significant),
        ],
        result.MainEffects.Select(e => ("main", e)).Concat(result.Interactions.Select(e => ("interaction", e))).Concat(result.AtBase.Select(e => ("at-base", e))));
}
