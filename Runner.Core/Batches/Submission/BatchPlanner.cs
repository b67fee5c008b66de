using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Core.Factorial;
using Runner.Core.Queueing;
using Runner.Core.Recipes;
using Runner.Core.Statistics;
using Runner.Core.Validation;

namespace Runner.Core.Batches;

/// <summary>
/// Turns a <see cref="BatchSpec"/> into a <see cref="BatchPlan"/>, checking everything first: the plan is
/// built only when there is no error, and every error names its field (<c>arms[2].off[0]</c>, <c>seeds</c>).
/// </summary>
public static partial class BatchPlanner
{
    public const string DefaultBaseName = "base";
    public const string DefaultPreset = "tta";
    public const int MaxNameLength = 200;
    public const int MaxDataLength = 1024;

    /// <summary>Seeds fit every generator they are handed to (libtorch's, .NET's) and stay readable.</summary>
    public const long MaxSeed = int.MaxValue;

    public static (BatchPlan? Plan, Dictionary<string, string[]> Errors) Plan(BatchSpec spec, BatchLimits limits)
    {
        var errors = new Dictionary<string, string[]>();
        var name = spec.Name?.Trim();
        if (string.IsNullOrEmpty(name))
            errors["name"] = ["Give the batch a name."];
        else if (name.Length > MaxNameLength)
            errors["name"] = [$"Use at most {MaxNameLength} characters."];
        else if (JsonInput.HasControlCharacters(name))
            errors["name"] = ["Use printable characters only (no control characters such as newlines or NUL)."];

        if (spec.Factorial is not null)
            foreach (var (field, given) in new (string, object?)[]
                     {
                         ("arms", spec.Arms), ("leaveOneOut", spec.LeaveOneOut), ("addOneIn", spec.AddOneIn), ("sequential", spec.Sequential),
                         ("includeBase", spec.IncludeBase), ("baseline", spec.Baseline),
                     })
                if (given is not null)
                    errors[field] = [$"A factorial batch's arms are its design's configurations; leave out {field}."];
        if (errors.Count > 0)
            return (null, errors);

        // Counted before any arm is built: expanding thousands of arms only to refuse them would be the expensive part.
        // A factorial design's configurations are bounded by the run limit instead, before they are built.
        var armCount = spec.Factorial is not null ? 0
            : (spec.Base is not null && (spec.IncludeBase ?? true) ? 1 : 0) + (spec.Arms?.Count ?? 0) + (spec.LeaveOneOut?.Count ?? 0) + (spec.AddOneIn?.Count ?? 0);
        if (armCount > limits.MaxArms)
        {
            errors["arms"] = [$"{armCount} arms is more than the limit of {limits.MaxArms} (Batches:MaxArms)."];
            return (null, errors);
        }
        for (var i = 0; i < (spec.Arms?.Count ?? 0); i++)
            if (spec.Arms![i] is null)
                errors[$"arms[{i}]"] = ["An arm is an object: {\"name\": ..., \"on\": [...], \"overrides\": {...}}."];
        if (errors.Keys.Any(k => k.StartsWith("arms[", StringComparison.Ordinal)))
            return (null, errors);

        // A shortcut arm carries its trick and whether it switches it on, for the messages about it.
        var arms = new List<(string Field, string Name, Variant Variant, (string Trick, bool On)? Shortcut)>();
        Variant? baseVariant = null;
        var seeds = Seeds(spec.Seeds, limits, errors);
        FactorialPlan? factorial = null;
        Recipe? baseRecipe = null;
        if (spec.Base is null)
            errors["base"] = ["Give the base recipe: {\"preset\": \"tta\", \"overrides\": {...}}."];
        else if (spec.Factorial is not null)
        {
            baseVariant = new Variant(spec.Base.Preset ?? DefaultPreset, spec.Base.On, spec.Base.Off, spec.Base.Overrides);
            (baseRecipe, var baseErrors) = baseVariant.Build("base.");
            foreach (var (key, messages) in baseErrors)
                errors.TryAdd(key, messages);
            factorial = FactorialPlanner.Plan(spec.Factorial, baseRecipe, seeds?.Count ?? 1, limits.MaxRuns, errors);
            var configurations = factorial?.Configurations(baseVariant) ?? [];
            for (var i = 0; i < configurations.Count; i++)
                arms.Add(($"factorial.configurations[{i}] = {configurations[i].Name}", configurations[i].Name, configurations[i].Variant, null));
        }
        else
        {
            baseVariant = new Variant(spec.Base.Preset ?? DefaultPreset, spec.Base.On, spec.Base.Off, spec.Base.Overrides);
            if (spec.IncludeBase ?? true)
                arms.Add(("base", spec.Base.Name ?? DefaultBaseName, baseVariant, null));
            for (var i = 0; i < (spec.Arms?.Count ?? 0); i++)
                arms.Add(($"arms[{i}]", spec.Arms![i].Name ?? "", ArmVariant(spec.Base, spec.Arms[i]), null));
            foreach (var (shortcut, names, on) in new[] { ("leaveOneOut", spec.LeaveOneOut, false), ("addOneIn", spec.AddOneIn, true) })
                for (var i = 0; i < (names?.Count ?? 0); i++)
                {
                    if (Trick.Find(names![i]) is null)
                    {
                        errors[$"{shortcut}[{i}]"] = [$"'{names[i]}' is not a trick; use one of: {string.Join(", ", Trick.All.Select(t => t.Name))}."];
                        continue;
                    }
                    var variant = on
                        ? baseVariant with { On = [.. baseVariant.On ?? [], names[i]], Off = baseVariant.Off?.Where(t => t != names[i]).ToList() }
                        : baseVariant with { Off = [.. baseVariant.Off ?? [], names[i]], On = baseVariant.On?.Where(t => t != names[i]).ToList() };
                    arms.Add(($"{shortcut}[{i}]", $"{(on ? "with" : "no")}-{names[i]}", variant, (names[i], on)));
                }
        }

        if (spec.Base is not null && spec.Factorial is null && arms.Count == 0)
            errors["arms"] = ["The batch has no arms: list arms, leaveOneOut or addOneIn, or keep includeBase on."];

        var planned = new List<PlannedArm>();
        var seen = new HashSet<string>();
        baseRecipe ??= baseVariant?.Build("base.").Recipe;
        foreach (var (field, armName, variant, shortcut) in arms)
        {
            var nameField = field == "base" ? "base.name" : field.StartsWith("arms[", StringComparison.Ordinal) ? $"{field}.name" : field;
            var prefix = field == "base" ? "base." : shortcut is not null || factorial is not null ? $"{field}: " : $"{field}.";
            if (armName.Length > AnalysisSettings.MaxArmNameLength || !ArmName().IsMatch(armName))
                errors[nameField] = [armName.Length == 0 ? "Give the arm a name." : $"'{JsonInput.Shorten(armName)}' is not a usable arm name; use letters, digits and . _ + - (at most {AnalysisSettings.MaxArmNameLength})."];
            else if (!seen.Add(armName))
                errors[nameField] = [$"Two arms are named '{armName}'; arm names must be unique."];
            var (recipe, recipeErrors) = variant.Build(prefix);
            foreach (var (key, messages) in recipeErrors)
                errors.TryAdd(key, messages);
            if (recipe is null)
                continue;
            if (shortcut is { } switched && baseRecipe is not null && RecipeJson.Hash(recipe) == RecipeJson.Hash(baseRecipe))
                errors[field] = [$"Switching '{switched.Trick}' {(switched.On ? "on" : "off")} leaves the base recipe unchanged, so this arm would repeat the base."];
            if (recipe.TrainSubset is { } subset && subset < recipe.BatchSize)
                errors.TryAdd($"{field}.overrides.trainSubset", [$"{subset} training images are fewer than one batch of {recipe.BatchSize}."]);
            planned.Add(new PlannedArm(armName, false, variant, recipe));
        }

        if (factorial is not null && planned.GroupBy(a => RecipeJson.Hash(a.Recipe)).FirstOrDefault(g => g.Count() > 1) is { } same)
            errors["factorial.factors"] = [$"Configurations {string.Join(" and ", same.Select(a => a.Name))} have the same recipe: a factor changes nothing there, so the design cannot separate its effect."];
        if (seeds is not null && arms.Count * seeds.Count > limits.MaxRuns)
            errors["seeds"] = [$"{arms.Count} arms × {seeds.Count} seeds = {arms.Count * seeds.Count} runs, more than the limit of {limits.MaxRuns} (Batches:MaxRuns)."];

        var baseline = factorial is not null ? FactorialBaseline(planned, baseRecipe)
            : spec.Baseline ?? (spec.IncludeBase ?? true ? spec.Base?.Name ?? DefaultBaseName : null);
        if (baseline is null && factorial is null)
            errors["baseline"] = ["With includeBase off, name the arm the others are compared with."];
        else if (arms.Count > 0 && arms.All(a => a.Name != baseline))
            errors["baseline"] = [$"'{baseline}' is not an arm of this batch; use one of: {string.Join(", ", arms.Select(a => a.Name))}."];

        var metric = Metric.Find(spec.Metric ?? Metric.Default);
        if (metric is null)
            errors["metric"] = [Metric.Unknown(spec.Metric)];
        else if (metric.Name == "tta-accuracy" && planned.FirstOrDefault(a => !a.Recipe.Tta) is { } withoutTta)
            errors["metric"] = [$"tta-accuracy needs TTA on in every arm; arm '{withoutTta.Name}' has it off."];

        var level = spec.Analysis?.Level ?? AnalysisSettings.Default.Level;
        AnalysisSettings.CheckLevel(level, "analysis.level", errors);
        if (spec.Analysis?.Margin is { } margin && !(margin > 0 && margin <= AnalysisSettings.MaxMagnitude))
            errors["analysis.margin"] = [$"{margin} is not an equivalence margin; give a positive number in the metric's units (e.g. 0.001 for 0.1 points of accuracy)."];
        var correction = JsonNames.Choose(spec.Analysis?.Correction, "analysis.correction", errors, AnalysisSettings.Default.Correction, AnalysisNames.Corrections);
        var test = JsonNames.Choose(spec.Analysis?.Test, "analysis.test", errors, AnalysisSettings.Default.Test, AnalysisNames.Tests);

        var queue = spec.Queue ?? JobQueues.Gpu;
        if (!JobQueues.IsKnown(queue))
            errors["queue"] = [$"'{queue}' is not a device class; use one of: {string.Join(", ", JobQueues.All)}."];
        else if (queue != JobQueues.Gpu && planned.FirstOrDefault(a => a.Recipe.Precision == Precision.Fp16) is { } half)
            errors["queue"] = [$"Arm '{half.Name}' trains in fp16, which needs the gpu queue."];
        var priority = JsonNames.Choose(spec.Priority, "priority", errors, JobQueues.DefaultPriority, JsonNames.All<Priority>());

        if (spec.Data is { } data && DataProblem(data) is { } problem)
            errors["data"] = [problem];
        else if (spec.Data is { } synthetic && SyntheticSize(synthetic) is { } images
                 && planned.FirstOrDefault(a => Math.Min(a.Recipe.TrainSubset ?? images, images) < a.Recipe.BatchSize) is { } tooFew)
            errors["data"] = [$"'{synthetic}' has {images} training images, fewer than one batch of {tooFew.Recipe.BatchSize} in arm '{tooFew.Name}'; every run would fail."];
        var sequential = spec.Sequential is { } s && seeds is not null ? Sequential(s, seeds.Count, arms.Count - 1, level, errors) : null;

        if (errors.Count > 0)
            return (null, errors);
        var plannedArms = planned.Select(a => a with { IsBaseline = a.Name == baseline }).ToList();
        return (new BatchPlan(name!, plannedArms, seeds!, baseline!, metric!, level, spec.Analysis?.Margin, correction, test, queue, priority, spec.Data, sequential, factorial), errors);
    }

    /// <summary>A factorial batch's baseline arm: the configuration that is the base recipe, if the design has it, or the first.</summary>
    private static string? FactorialBaseline(IReadOnlyList<PlannedArm> configurations, Recipe? baseRecipe) =>
        (configurations.FirstOrDefault(a => baseRecipe is not null && RecipeJson.Hash(a.Recipe) == RecipeJson.Hash(baseRecipe)) ?? configurations.FirstOrDefault())?.Name;

    /// <summary>
    /// The sequential design: looks as seeds per arm (a count spreads them evenly up to the batch's seeds), each
    /// of the <paramref name="comparisons"/> comparisons with the baseline at (1 − level)/m.
    /// </summary>
    private static SequentialDesign? Sequential(SequentialSpec spec, int seeds, int comparisons, double level, Dictionary<string, string[]> errors)
    {
        IReadOnlyList<int>? looks = null;
        if (spec.Looks is JsonValue count && count.TryGetValue<int>(out var k))
        {
            if (k is < 1 or > SequentialDesign.MaxLooks || seeds / k < 2)
                errors["sequential.looks"] = [$"{k} looks over {seeds} seeds: use 1 to {Math.Min(SequentialDesign.MaxLooks, seeds / 2)} looks (at least 2 seeds per look)."];
            else
                looks = SequentialDesign.EvenLooks(k, seeds);
        }
        else if (spec.Looks is JsonArray list && list.Count is >= 1 and <= SequentialDesign.MaxLooks
                 && list.All(n => n is JsonValue v && v.TryGetValue<int>(out _)))
        {
            var given = list.Select(n => n!.GetValue<int>()).ToList();
            if (!SequentialDesign.AreLooks(given) || given[^1] != seeds)
                errors["sequential.looks"] = [$"Give seeds per arm at each look, increasing from at least 2 and ending at the batch's {seeds} seeds."];
            else
                looks = given;
        }
        else
            errors["sequential.looks"] = [$"Give a number of looks (e.g. 5) or the seeds per arm at each look (e.g. [10, 20, 30, 40, 50]), at most {SequentialDesign.MaxLooks}."];
        var spending = JsonNames.Choose(spec.Spending, "sequential.spending", errors, SequentialDesign.DefaultSpending, AnalysisNames.Spendings);
        if (spec.Margin is { } margin && !(margin > 0 && margin <= AnalysisSettings.MaxMagnitude))
            errors["sequential.margin"] = [$"{margin} is not an equivalence margin; give a positive number in the metric's units."];
        if (comparisons < 1)
            errors["sequential"] = ["A sequential batch needs at least one arm besides the baseline."];
        return looks is null || comparisons < 1 ? null : new SequentialDesign(looks, spending, 1 - level, comparisons, spec.Margin, spec.Paired ?? false);
    }

    /// <summary>An explicit arm: the base with more tricks and overrides, or its own preset with the base's overrides.</summary>
    private static Variant ArmVariant(ArmSpec baseArm, ArmSpec arm)
    {
        var overrides = baseArm.Overrides?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in arm.Overrides ?? [])
            overrides[key] = value?.DeepClone();
        return arm.Preset is not null
            ? new Variant(arm.Preset, arm.On, arm.Off, overrides)
            : new Variant(baseArm.Preset ?? DefaultPreset, [.. baseArm.On ?? [], .. arm.On ?? []], [.. baseArm.Off ?? [], .. arm.Off ?? []], overrides);
    }

    private static List<long>? Seeds(JsonNode? node, BatchLimits limits, Dictionary<string, string[]> errors)
    {
        const string help = "Give a count of seeds (e.g. 5) or a list of distinct non-negative seeds (e.g. [0, 1, 2]).";
        if (node is JsonValue value && value.TryGetValue<long>(out var count))
        {
            if (count < 1 || count > limits.MaxSeeds)
            {
                errors["seeds"] = [$"{count} seeds is out of range; use 1 to {limits.MaxSeeds} (Batches:MaxSeeds)."];
                return null;
            }
            return Enumerable.Range(0, (int)count).Select(i => (long)i).ToList();
        }
        if (node is JsonArray array)
        {
            if (array.Count > limits.MaxSeeds)
            {
                errors["seeds"] = [$"{array.Count} seeds is out of range; use 1 to {limits.MaxSeeds} (Batches:MaxSeeds)."];
                return null;
            }
            var seeds = new List<long>();
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue<long>(out var seed) && seed is >= 0 and <= MaxSeed)
                    seeds.Add(seed);
                else
                    errors[$"seeds[{i}]"] = [$"{JsonInput.Shorten(array[i]?.ToJsonString() ?? "null")} is not a seed; use a whole number from 0 to {MaxSeed}."];
            }
            if (seeds.Count != seeds.Distinct().Count())
                errors["seeds"] = ["The seeds must be distinct: a repeated seed repeats a run exactly."];
            else if (array.Count == 0 || array.Count > limits.MaxSeeds)
                errors["seeds"] = [$"{array.Count} seeds is out of range; use 1 to {limits.MaxSeeds} (Batches:MaxSeeds)."];
            return errors.Keys.Any(k => k.StartsWith("seeds", StringComparison.Ordinal)) ? null : seeds;
        }
        errors["seeds"] = [help];
        return null;
    }

    /// <summary>Why the data setting cannot work; null when it can (a path is checked by the worker that reads it).</summary>
    public static string? DataProblem(string data)
    {
        if (data.StartsWith("synthetic", StringComparison.Ordinal))
            return SyntheticSize(data) is null ? $"'{data}' is not 'synthetic' or 'synthetic:N' with N from 100 to 60000 training images." : null;
        return string.IsNullOrWhiteSpace(data) || data.Length > MaxDataLength || JsonInput.HasControlCharacters(data)
            ? $"Give a CIFAR-10 path on the workers (at most {MaxDataLength} printable characters), 'synthetic' or 'synthetic:N'."
            : null;
    }


    /// <summary>The training-set size of a synthetic data setting; null when the setting is not a valid one.</summary>
    public static int? SyntheticSize(string data) =>
        data == "synthetic" ? 2000
        : data.StartsWith("synthetic:", StringComparison.Ordinal) && int.TryParse(data["synthetic:".Length..], out var n) && n is >= 100 and <= 60000 ? n
        : null;

    [GeneratedRegex(@"^[A-Za-z0-9._+\-]+$")]
    private static partial Regex ArmName();
}
