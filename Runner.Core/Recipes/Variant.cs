using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Core.Recipes;

/// <summary>
/// A preset with tricks switched on or off and fields overridden (JSON names, e.g. {"epochs": 2, "width": 0.25}).
/// Overriding the epochs without the learning rate re-derives the schedule by the original's rule for the
/// preset (<see cref="Presets.Preset.ScheduleFor"/>): warm-up to epoch 5 or epochs / 5, decay to 0, or to the EMA
/// floor two epochs early; airbench's one-cycle over the run's steps, re-derived also when the batch size or
/// training subset changes its steps per epoch. An explicit learningRate override wins.
/// </summary>
public sealed record Variant(string Preset, IReadOnlyList<string>? On = null, IReadOnlyList<string>? Off = null, JsonObject? Overrides = null)
{
    /// <summary>The recipe, or every problem keyed by field (prefixed with <paramref name="prefix"/>); never half-built.</summary>
    public (Recipe? Recipe, Dictionary<string, string[]> Errors) Build(string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        var preset = Presets.Find(Preset);
        if (preset is null)
        {
            errors[$"{prefix}preset"] = [$"'{Preset}' is not a preset; use one of: {string.Join(", ", Presets.All.Select(p => p.Name))}."];
            return (null, errors);
        }

        var recipe = preset.Recipe;
        foreach (var (names, field, on) in new[] { (On, "on", true), (Off, "off", false) })
            for (var i = 0; i < (names?.Count ?? 0); i++)
            {
                if (Trick.Find(names![i]) is { } trick)
                    recipe = on ? trick.On(recipe) : trick.Off(recipe);
                else
                    errors[$"{prefix}{field}[{i}]"] = [$"'{names[i]}' is not a trick; use one of: {string.Join(", ", Trick.All.Select(t => t.Name))}."];
            }

        if (Overrides is { Count: > 0 })
        {
            var node = RecipeJson.ToNode(recipe);
            foreach (var (name, value) in Overrides)
            {
                if (!node.ContainsKey(name))
                    errors[$"{prefix}overrides.{name}"] = [$"'{name}' is not a recipe field."];
                else
                    node[name] = value?.DeepClone();
            }
            if (errors.Count == 0)
            {
                try
                {
                    var before = recipe;
                    recipe = RecipeJson.FromNode(node);
                    var changed = recipe.Network == Network.Airbench
                        ? recipe.StepsPerEpoch > 0 && (recipe.Epochs != before.Epochs || recipe.StepsPerEpoch != before.StepsPerEpoch)
                        : recipe.Epochs != before.Epochs;
                    if (changed && !Overrides.ContainsKey("learningRate") && recipe.Epochs > 0)
                        recipe = recipe with { LearningRate = preset.ScheduleFor(recipe) };
                }
                catch (JsonException e)
                {
                    var field = e.Path is { Length: > 2 } path ? path[2..] : "";
                    errors[$"{prefix}overrides.{field}"] = [$"Wrong type of value: {e.Message.Split(" Path:")[0]}"];
                }
            }
        }

        if (errors.Count > 0)
            return (null, errors);
        foreach (var (field, messages) in recipe.Validate())
            errors[$"{prefix}{field}"] = messages;
        return errors.Count > 0 ? (null, errors) : (recipe, errors);
    }
}
