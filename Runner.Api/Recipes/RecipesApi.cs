using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Runner.Api.Access;
using Runner.Core.Recipes;

namespace Runner.Api.Recipes;

/// <summary>The catalogue: presets (stages of the reference table) with their full recipes, and the switchable tricks.</summary>
public static class RecipesApi
{
    public sealed record PresetView(string Name, string Description, string RecipeHash, JsonObject Recipe);

    /// <param name="OffKeeps">What switching the trick off does not restore of the baseline; null when off restores it exactly.</param>
    public sealed record TrickView(string Name, string Description, string? OffKeeps);

    public static IEndpointRouteBuilder MapRecipesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/presets", ListPresets).AllowReads().WithTags("Recipes")
            .WithName("ListPresets")
            .WithSummary("The presets, one per stage of the bag-of-tricks table, with their canonical recipes and hashes");
        app.MapGet("/tricks", ListTricks).AllowReads().WithTags("Recipes")
            .WithName("ListTricks")
            .WithSummary("The tricks an arm can switch on or off, with one-line descriptions and what switching one off keeps");
        return app;
    }

    private static Ok<PresetView[]> ListPresets() => TypedResults.Ok(Presets.All
        .Select(p => new PresetView(p.Name, p.Description, RecipeJson.Hash(p.Recipe), RecipeJson.ToNode(p.Recipe)))
        .ToArray());

    private static Ok<TrickView[]> ListTricks() => TypedResults.Ok(Trick.All.Select(t => new TrickView(t.Name, t.Description, t.Keeps)).ToArray());
}
