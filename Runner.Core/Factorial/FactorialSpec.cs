using System.Text.Json.Nodes;

namespace Runner.Core.Factorial;

/// <summary>
/// A factor as submitted: a trick (levels off and on) or a recipe field with two values,
/// <c>{"trick": "ema"}</c> or <c>{"field": "emaMomentum", "low": 0.99, "high": 0.995}</c>.
/// </summary>
public sealed record FactorSpec
{
    public string? Trick { get; init; }
    public string? Field { get; init; }
    public JsonNode? Low { get; init; }
    public JsonNode? High { get; init; }
}

/// <summary>
/// A factorial batch's <c>"factorial"</c> member: its factors and its design, <c>"full"</c>, <c>{"resolution": R}</c>
/// or <c>{"generators": {"E": "ABC"}}</c>.
/// </summary>
public sealed record FactorialSpec
{
    public IReadOnlyList<FactorSpec>? Factors { get; init; }
    public JsonNode? Design { get; init; }
}
