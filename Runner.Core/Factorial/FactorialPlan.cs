using System.Text.Json.Nodes;
using Runner.Core.Recipes;

namespace Runner.Core.Factorial;

/// <summary>
/// A factorial batch's design and factors: stored with the batch (<see cref="ToJson"/>), read back for its page and
/// analysis (<see cref="FromJson"/>), and each configuration of the design as a variant of the base recipe, an arm
/// named in Yates's notation.
/// </summary>
public sealed record FactorialPlan(FactorialDesign Design, IReadOnlyList<Factor> Factors)
{
    /// <summary>
    /// Yates's name of a configuration: the letters of the factors at their high level (or on), in lower case, "1"
    /// when none is (the literature's (1)): "1", "a", "b", "ab", …
    /// </summary>
    public static string ConfigurationName(IReadOnlyList<int> levels)
    {
        var name = string.Concat(levels.Select((level, f) => level > 0 ? char.ToLowerInvariant(Effect.Letters[f]).ToString() : ""));
        return name.Length == 0 ? "1" : name;
    }

    /// <summary>Every configuration in standard order: its arm name, its levels and the base variant with each factor at its level.</summary>
    public IReadOnlyList<(string Name, int[] Levels, Variant Variant)> Configurations(Variant baseVariant) =>
        Design.Configurations().Select(levels => (ConfigurationName(levels), levels, At(baseVariant, levels))).ToList();

    private Variant At(Variant baseVariant, IReadOnlyList<int> levels)
    {
        var on = baseVariant.On?.ToList() ?? [];
        var off = baseVariant.Off?.ToList() ?? [];
        var overrides = baseVariant.Overrides?.DeepClone().AsObject() ?? [];
        foreach (var (factor, level) in Factors.Zip(levels))
        {
            if (factor.Trick is { } trick)
            {
                on.Remove(trick);
                off.Remove(trick);
                (level > 0 ? on : off).Add(trick);
            }
            else
                overrides[factor.Field!] = (level > 0 ? factor.High : factor.Low)?.DeepClone();
        }
        return baseVariant with { On = on, Off = off, Overrides = overrides };
    }

    public JsonObject ToJson() => new()
    {
        ["factors"] = new JsonArray(Factors.Select(f => (JsonNode)new JsonObject
        {
            ["letter"] = f.Letter, ["trick"] = f.Trick, ["field"] = f.Field, ["low"] = f.Low?.DeepClone(), ["high"] = f.High?.DeepClone(), ["baseLevel"] = f.BaseLevel,
        }).ToArray()),
        ["generators"] = new JsonObject(Design.Generators.Select(g => KeyValuePair.Create(Effect.Letters[g.Factor].ToString(), (JsonNode?)g.Word.ToString()))),
    };

    public static FactorialPlan FromJson(JsonNode json)
    {
        var factors = json["factors"]!.AsArray().Select(f => new Factor(
            (string)f!["letter"]!, (string?)f["trick"], (string?)f["field"], f["low"]?.DeepClone(), f["high"]?.DeepClone(), (int?)f["baseLevel"])).ToList();
        var generators = json["generators"]!.AsObject()
            .Select(g => new FactorialDesign.Generator(Effect.Letters.IndexOf(g.Key[0]), Effect.Parse((string)g.Value!, factors.Count)!.Value)).ToList();
        return new FactorialPlan(generators.Count == 0 ? FactorialDesign.Full(factors.Count) : FactorialDesign.Fraction(factors.Count, generators), factors);
    }
}
