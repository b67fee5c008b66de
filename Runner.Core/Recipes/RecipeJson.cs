using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Runner.Core.Recipes;

/// <summary>
/// The canonical JSON of a recipe (fixed property order, camelCase, shortest round-trip numbers) and
/// its SHA-256, so that two runs of the same recipe are recognised whatever produced them.
/// </summary>
public static class RecipeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Canonical(Recipe recipe) => JsonSerializer.Serialize(recipe, Options);

    public static string Hash(Recipe recipe) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(recipe))));

    public static JsonObject ToNode(Recipe recipe) => JsonSerializer.SerializeToNode(recipe, Options)!.AsObject();

    public static Recipe FromNode(JsonNode node) => node.Deserialize<Recipe>(Options)!;
}
