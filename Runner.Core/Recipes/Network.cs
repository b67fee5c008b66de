using System.Text.Json.Serialization;

namespace Runner.Core.Recipes;

/// <summary>The recipe family's network (JSON "resnet9", "airbench"), each built as docs/recipe.md describes.</summary>
public enum Network
{
    /// <summary>Page's ResNet-9 of the bag-of-tricks stages (docs/recipe.md).</summary>
    [JsonStringEnumMemberName("resnet9")] ResNet9,

    /// <summary>Keller Jordan's airbench94 network: 2×2 whitening, three conv groups, no residuals (docs/recipe.md, "airbench94").</summary>
    [JsonStringEnumMemberName("airbench")] Airbench,
}
