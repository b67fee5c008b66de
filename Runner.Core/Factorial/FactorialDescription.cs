using System.Text.Json.Nodes;

namespace Runner.Core.Factorial;

/// <summary>
/// A factorial batch's design as <c>GET /batches/{id}</c> shows it: its factors with letters and meanings, generators,
/// defining relation, resolution, and the alias chain of every main effect and two-factor interaction (to order 3).
/// </summary>
public sealed record FactorialDescription(
    string Design,
    int Configurations,
    int? Resolution,
    IReadOnlyList<FactorialDescription.FactorRow> Factors,
    IReadOnlyList<string> Generators,
    string DefiningRelation,
    IReadOnlyList<FactorialDescription.Chain> MainEffects,
    IReadOnlyList<FactorialDescription.Chain> Interactions)
{
    public sealed record FactorRow(string Letter, string? Trick, string? Field, JsonNode? Low, JsonNode? High, int? BaseLevel);

    /// <summary>An effect and what it is aliased with, each term in letters and in words.</summary>
    public sealed record Chain(string Term, string Label, IReadOnlyList<string> Aliases, string Text);

    public static FactorialDescription Of(FactorialPlan plan)
    {
        var design = plan.Design;
        Chain ChainOf(Effect effect)
        {
            var aliases = design.AliasChain(effect).Select(a => a.ToString()).ToList();
            return new Chain(effect.ToString(), Label(plan, effect), aliases, string.Join(" = ", aliases));
        }
        var interactions = new List<Chain>();
        for (var i = 0; i < design.Factors; i++)
            for (var j = i + 1; j < design.Factors; j++)
                interactions.Add(ChainOf(Effect.Of(i, j)));
        return new FactorialDescription(
            design.Describe(), design.Runs, design.Resolution,
            plan.Factors.Select(f => new FactorRow(f.Letter, f.Trick, f.Field, f.Low, f.High, f.BaseLevel)).ToList(),
            design.Generators.Select(g => g.ToString()).ToList(),
            design.IsFull ? "none (full factorial)" : "I = " + string.Join(" = ", design.DefiningRelation.OrderBy(w => w.Order).ThenBy(w => w.ToString(), StringComparer.Ordinal)),
            Enumerable.Range(0, design.Factors).Select(f => ChainOf(Effect.Of(f))).ToList(),
            interactions);
    }

    /// <summary>What an effect's letters mean: "ema", "ema × tta".</summary>
    public static string Label(FactorialPlan plan, Effect effect) => string.Join(" × ", effect.Factors().Select(f => plan.Factors[f].Name));
}
