using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Runner.Core.Batches;

/// <summary>One arm: how it was asked for (variant) and the full recipe it runs.</summary>
public sealed record ArmRecord
{
    public string Name { get; init; } = "";
    public bool IsBaseline { get; init; }
    public string RecipeHash { get; init; } = "";

    /// <summary>Sequential batches: better, worse, equivalent or undecided once a look decided the arm.</summary>
    public string? Decision { get; init; }

    public int? DecidedAtLook { get; init; }

    [JsonIgnore] public string VariantJson { get; init; } = "{}";
    [JsonIgnore] public string RecipeJson { get; init; } = "{}";

    public JsonNode? Variant => JsonNode.Parse(VariantJson);
    public JsonNode? Recipe => JsonNode.Parse(RecipeJson);
}
