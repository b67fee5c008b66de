using System.Text.Json.Nodes;
using Runner.Core.Recipes;

namespace Runner.Core.Factorial;

/// <summary>
/// Checks a batch's <c>"factorial"</c> member and turns it into a <see cref="FactorialPlan"/>: factors (2 to 15, each a
/// trick or a field with two different values, none twice) and a design whose configurations, times the seeds, fit
/// the run limit, checked before any configuration is built. Errors are keyed by field (<c>factorial.factors[1].trick</c>).
/// </summary>
public static class FactorialPlanner
{
    public const int MinResolution = 3;
    public const int MaxResolution = 8;

    /// <param name="baseRecipe">The batch's base recipe, for the factors' base levels and fields; null when it is invalid.</param>
    public static FactorialPlan? Plan(FactorialSpec spec, Recipe? baseRecipe, int seeds, int maxRuns, Dictionary<string, string[]> errors)
    {
        var count = spec.Factors?.Count ?? 0;
        if (count is < FactorialDesign.MinFactors or > FactorialDesign.MaxFactors)
        {
            errors["factorial.factors"] = [$"Give {FactorialDesign.MinFactors} to {FactorialDesign.MaxFactors} factors, each a trick ({{\"trick\": \"ema\"}}) or a recipe field with two values ({{\"field\": \"emaMomentum\", \"low\": 0.99, \"high\": 0.995}})."];
            return null;
        }
        var baseNode = baseRecipe is null ? null : RecipeJson.ToNode(baseRecipe);
        var factors = new List<Factor>();
        var names = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            var field = $"factorial.factors[{i}]";
            var letter = Effect.Letters[i].ToString();
            switch (spec.Factors![i])
            {
                case { Trick: { } name, Field: null, Low: null, High: null }:
                    if (Trick.Find(name) is not { } trick)
                        errors[$"{field}.trick"] = [$"'{name}' is not a trick; use one of: {string.Join(", ", Trick.All.Select(t => t.Name))}."];
                    else if (!names.Add(name))
                        errors[$"{field}.trick"] = [$"'{name}' is already a factor."];
                    else
                        factors.Add(new Factor(letter, name, null, null, null, baseRecipe is null ? null : TrickLevel(trick, baseRecipe)));
                    break;
                case { Field: { } name, Trick: null, Low: { } low, High: { } high }:
                    if (baseNode is not null && !baseNode.ContainsKey(name))
                        errors[$"{field}.field"] = [$"'{name}' is not a recipe field."];
                    else if (JsonNode.DeepEquals(low, high))
                        errors[$"{field}.high"] = ["A factor's two levels must differ."];
                    else if (!names.Add(name))
                        errors[$"{field}.field"] = [$"'{name}' is already a factor."];
                    else
                        factors.Add(new Factor(letter, null, name, low.DeepClone(), high.DeepClone(),
                            baseNode?[name] is { } value ? JsonNode.DeepEquals(value, low) ? -1 : JsonNode.DeepEquals(value, high) ? 1 : null : null));
                    break;
                case null:
                    errors[field] = ["A factor is an object: {\"trick\": \"ema\"} or {\"field\": \"emaMomentum\", \"low\": 0.99, \"high\": 0.995}."];
                    break;
                default:
                    errors[field] = ["Give either a trick (levels off and on) or a field with its low and high values, not both."];
                    break;
            }
        }
        var design = Design(spec.Design, count, seeds, maxRuns, errors);
        return design is null || factors.Count != count ? null : new FactorialPlan(design, factors);
    }

    /// <summary>+1 when the base recipe has the trick on (switching it on changes nothing), −1 when off, null when neither holds exactly.</summary>
    private static int? TrickLevel(Trick trick, Recipe baseRecipe)
    {
        var hash = RecipeJson.Hash(baseRecipe);
        return RecipeJson.Hash(trick.On(baseRecipe)) == hash ? 1 : RecipeJson.Hash(trick.Off(baseRecipe)) == hash ? -1 : null;
    }

    private static FactorialDesign? Design(JsonNode? node, int factors, int seeds, int maxRuns, Dictionary<string, string[]> errors)
    {
        var perSeed = Math.Max(1, maxRuns / Math.Max(1, seeds));
        switch (node)
        {
            case null:
            case JsonValue value when value.TryGetValue<string>(out var text) && text == "full":
                if (1 << factors > perSeed)
                {
                    errors["factorial.design"] = [$"The full 2^{factors} design has {1L << factors} configurations; with {seeds} seeds that is more than the limit of {maxRuns} runs (Batches:MaxRuns). Use a fraction: {{\"resolution\": 4}}."];
                    return null;
                }
                return FactorialDesign.Full(factors);
            case JsonObject { Count: 1 } o when o["resolution"] is { } r:
                if (r is not JsonValue rv || !rv.TryGetValue<int>(out var resolution) || resolution is < MinResolution or > MaxResolution)
                {
                    errors["factorial.design.resolution"] = [$"Give a resolution from {MinResolution} to {MaxResolution} (III: main effects clear of each other; IV: also of two-factor interactions; V: interactions clear too)."];
                    return null;
                }
                var (found, problem) = MinimumAberration.Find(factors, resolution, perSeed);
                if (problem is not null)
                    errors["factorial.design.resolution"] = [seeds > 1 ? $"{problem[..^1]} with {seeds} seeds." : problem];
                return found;
            case JsonObject { Count: 1 } o when o["generators"] is JsonObject given:
                return Generated(given, factors, perSeed, errors);
            default:
                errors["factorial.design"] = ["Use \"full\", {\"resolution\": 4} or {\"generators\": {\"E\": \"ABC\", \"F\": \"BCD\"}}."];
                return null;
        }
    }

    private static FactorialDesign? Generated(JsonObject given, int factors, int perSeed, Dictionary<string, string[]> errors)
    {
        var generators = new List<FactorialDesign.Generator>();
        foreach (var (letter, word) in given)
        {
            var field = $"factorial.design.generators.{letter}";
            var factor = letter.Length == 1 ? Effect.Letters.IndexOf(char.ToUpperInvariant(letter[0])) : -1;
            if (factor < 0 || factor >= factors)
                errors[field] = [$"'{letter}' is not a factor's letter; the factors are {Effect.Letters[..factors]} (I is skipped)."];
            else if (word is not JsonValue v || !v.TryGetValue<string>(out var text) || Effect.Parse(text, factors) is not { } parsed)
                errors[field] = [$"Give a product of factor letters from {Effect.Letters[..factors]}, each once (e.g. \"ABC\")."];
            else if (generators.Any(g => g.Factor == factor))
                errors[field] = [$"{letter} has two generators."];
            else
                generators.Add(new FactorialDesign.Generator(factor, parsed));
        }
        if (given.Count == 0)
            errors["factorial.design.generators"] = ["Give at least one generator, or use \"full\"."];
        if (errors.Keys.Any(k => k.StartsWith("factorial.design", StringComparison.Ordinal)))
            return null;
        if (FactorialDesign.Problem(factors, generators) is { } problem)
        {
            errors["factorial.design.generators"] = [problem];
            return null;
        }
        if (1 << (factors - generators.Count) > perSeed)
        {
            errors["factorial.design.generators"] = [$"{1 << (factors - generators.Count)} configurations is more than the run limit allows with the batch's seeds (Batches:MaxRuns)."];
            return null;
        }
        return FactorialDesign.Fraction(factors, generators);
    }
}
