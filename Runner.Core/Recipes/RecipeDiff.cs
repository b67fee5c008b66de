using System.Text.Json.Nodes;

namespace Runner.Core.Recipes;

/// <summary>One recipe field that differs between two recipes, with both values as canonical JSON.</summary>
public sealed record FieldChange(string Field, string From, string To)
{
    public override string ToString() => $"{Field}: {From} → {To}";
}

/// <summary>
/// What an arm changes against another (its baseline), field by field on the canonical recipes, so a trick
/// switched off reads <c>ema: true → false</c> whatever preset, tricks and overrides produced it.
/// </summary>
public static class RecipeDiff
{
    public static IReadOnlyList<FieldChange> Between(JsonNode? baseline, JsonNode? arm)
    {
        if (Complete(baseline) is not JsonObject from || Complete(arm) is not JsonObject to)
            return [];
        return from.Select(p => p.Key).Union(to.Select(p => p.Key))
            .Select(field => (field, from: from[field]?.ToJsonString() ?? "null", to: to[field]?.ToJsonString() ?? "null"))
            .Where(x => x.from != x.to)
            .Select(x => new FieldChange(x.field, x.from, x.to))
            .ToList();
    }

    /// <summary>A stored canonical recipe with every field (canonical JSON leaves later switches out at their defaults).</summary>
    private static JsonNode? Complete(JsonNode? recipe)
    {
        try
        {
            return recipe is JsonObject ? RecipeJson.ToNode(RecipeJson.FromNode(recipe)) : recipe;
        }
        catch (System.Text.Json.JsonException)
        {
            return recipe;
        }
    }
}
