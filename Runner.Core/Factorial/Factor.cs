using System.Text.Json.Nodes;

namespace Runner.Core.Factorial;

/// <summary>
/// A factor of a factorial batch: its letter, what it switches (a trick, or a recipe field between two values) and
/// its level in the batch's base recipe (−1 low or off, +1 high or on; null when the base has neither value).
/// </summary>
public sealed record Factor(string Letter, string? Trick, string? Field, JsonNode? Low, JsonNode? High, int? BaseLevel)
{
    /// <summary>The trick's or the field's name.</summary>
    public string Name => Trick ?? Field!;

    /// <summary>The level in words: "ema on", "emaMomentum = 0.995".</summary>
    public string Describe(int level) =>
        Trick is not null ? $"{Trick} {(level > 0 ? "on" : "off")}" : $"{Field} = {(level > 0 ? High : Low)?.ToJsonString()}";
}
