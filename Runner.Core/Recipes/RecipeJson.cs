using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runner.Core.Validation;

namespace Runner.Core.Recipes;

/// <summary>
/// The canonical JSON of a recipe (fixed property order, camelCase, shortest round-trip numbers) and
/// its SHA-256, so that two runs of the same recipe are recognised whatever produced them. <see cref="ToNode"/>
/// has every field (overrides, diffs, the catalogue); the canonical form leaves later switches out at their defaults.
/// </summary>
public static class RecipeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonInput.Strict)
    {
        Converters = { JsonNames.Converter },
    };

    /// <summary>
    /// Switches added after recipes were first stored: left out of the canonical JSON while at their defaults, so
    /// that every recipe stored before them keeps its hash (and reads back the same).
    /// </summary>
    private static readonly string[] LaterSwitches =
    [
        "emaCounter", "emaStatistics", "optimizer", "translate", "alternatingFlip", "network", "batchNormMomentum", "batchNormEpsilon",
        "diracInit", "whiteningBiasEpochs", "lookahead", "ttaTranslate", "normalisation",
    ];

    private static readonly JsonObject Defaults = ToNode(new Recipe());

    public static string Canonical(Recipe recipe)
    {
        var node = ToNode(recipe);
        foreach (var field in LaterSwitches.Where(f => JsonNode.DeepEquals(node[f], Defaults[f])))
            node.Remove(field);
        return node.ToJsonString(Options);
    }

    public static string Hash(Recipe recipe) => HashOf(Canonical(recipe));

    /// <summary>The hash of canonical JSON as stored: what a worker checks before it trusts a stored recipe.</summary>
    public static string HashOf(string canonicalJson) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    /// <summary>The epochs a stored recipe begins (<see cref="Recipe.EpochCount"/>); 0 without one.</summary>
    public static int EpochCount(JsonNode? recipe) => recipe?["epochs"] is { } epochs ? (int)Math.Ceiling(epochs.GetValue<double>()) : 0;

    public static JsonObject ToNode(Recipe recipe) => JsonSerializer.SerializeToNode(recipe, Options)!.AsObject();

    public static Recipe FromNode(JsonNode node) => node.Deserialize<Recipe>(Options)!;
}
