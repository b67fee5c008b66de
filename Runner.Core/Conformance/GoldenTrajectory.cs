using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Core.Recipes;
using Runner.Core.Training;
using static TorchSharp.torch;

namespace Runner.Core.Conformance;

/// <summary>
/// One golden trajectory of the original's own training (cifar10-fast by tools/reference/golden.py, airbench94 by
/// airbench_golden.py; fp32 on the CPU): its recipe in Runner's fields (or a preset with overrides), the original's
/// tensors by the original's names, and the float32 noise envelope the script measured (the same trajectory with every
/// initial parameter one ulp away, and with two threads).
/// </summary>
public sealed partial class GoldenTrajectory
{
    internal GoldenTrajectory(GoldenSet set, string name)
    {
        Name = name;
        var entry = set.Manifest["trajectories"]![name]!.AsObject();
        Recipe = RecipeOf(entry);
        Steps = (int)entry["steps"]!;
        ResumeAt = (int?)entry["resumeAt"] ?? Steps;
        StepsPerEpoch = (int)entry["stepsPerEpoch"]!;
        Noise = entry["noise"]!.AsObject();
        Step1GradientNoise = Noise["step1GradRelativeByTensor"]!.AsObject().ToDictionary(e => RunnerName(e.Key), e => (double)e.Value!);
        Stored = entry["stored"]!.AsArray().Select(p => (string)p!).ToList();
        Arrays = Npz.Read(Path.Combine(set.Folder, $"{name}.npz"));
    }

    public string Name { get; }
    public Recipe Recipe { get; }
    public int Steps { get; }
    public int StepsPerEpoch { get; }

    /// <summary>The step (from 1) the file keeps the original's state before ("resume/…"): its last, or airbench's last lookahead pull.</summary>
    public int ResumeAt { get; }
    public JsonObject Noise { get; }

    /// <summary>Per gradient (Runner's names), how far float32 noise moves the original's own step-1 gradient.</summary>
    public Dictionary<string, double> Step1GradientNoise { get; }

    public Dictionary<string, Tensor> Arrays { get; }

    /// <summary>Which states the file keeps ("init", "step1/grad", … "resume/state"): the final stage's also the last step's.</summary>
    public IReadOnlyList<string> Stored { get; }

    public bool Keeps(string prefix) => Stored.Contains(prefix);

    /// <summary>The recipe's fields over Runner's defaults, or a preset with overrides as a batch gives them (its schedule re-derived).</summary>
    private static Recipe RecipeOf(JsonObject entry)
    {
        if (entry["preset"] is { } preset)
        {
            var (recipe, errors) = new Variant((string)preset!, Overrides: entry["overrides"]?.AsObject().DeepClone().AsObject()).Build();
            return recipe ?? throw new InvalidOperationException($"The golden trajectory's recipe is not valid: {string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value[0]}"))}");
        }
        var node = RecipeJson.ToNode(new Recipe());
        foreach (var (field, value) in entry["recipe"]!.AsObject())
            node[field] = value?.DeepClone();
        return RecipeJson.FromNode(node);
    }

    public Tensor this[string name] => Arrays.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{Name}.npz has no '{name}'.");

    /// <summary>The tensors under a prefix ("init", "final/state", …) by Runner's names, floating-point entries only.</summary>
    public Dictionary<string, Tensor> State(string prefix) => Arrays
        .Where(e => e.Key.StartsWith(prefix + "/", StringComparison.Ordinal))
        .ToDictionary(e => RunnerName(e.Key[(prefix.Length + 1)..]), e => e.Value);

    /// <summary>
    /// The original's parameter names as Runner's. cifar10-fast (its Network sets each node's path with '/' → '_'):
    /// prep_conv → prep.conv (or prep_1x1 behind whitening), prep_whiten → whiten, prep_norm → prep_bn,
    /// layer1_residual_res1_bn → layer1_residual.res1.bn, linear → classifier. airbench94 (an nn.Sequential): 0 → whiten,
    /// group g's conv1/norm1 and conv2/norm2 (g = 2, 3, 4) → layers.2(g − 2) and layers.2(g − 2) + 1 as conv/bn,
    /// 7 → classifier.
    /// </summary>
    public string RunnerName(string original)
    {
        var (module, leaf) = (original[..original.LastIndexOf('.')], original[(original.LastIndexOf('.') + 1)..]);
        var runner = Recipe.Network == Network.Airbench ? AirbenchModule(module) : module switch
        {
            "linear" => "classifier",
            "prep_whiten" => "whiten",
            "prep_conv" when Recipe.Whitening => "prep_1x1",
            "prep_norm" => "prep_bn",
            _ => Block().Replace(module, m => m.Groups["res"].Success
                ? $"{m.Groups["layer"].Value}_residual.{m.Groups["res"].Value}.{m.Groups["part"].Value}"
                : $"{m.Groups["layer"].Value}.{m.Groups["part"].Value}"),
        };
        return $"{runner}.{leaf}";
    }

    [GeneratedRegex(@"^(?<layer>prep|layer\d)(?:_residual_(?<res>res\d))?_(?<part>conv|bn)$")]
    private static partial Regex Block();

    private static string AirbenchModule(string module) => module switch
    {
        "0" => "whiten",
        "7" => "classifier",
        _ when GroupPart().Match(module) is { Success: true } m =>
            $"layers.{2 * (int.Parse(m.Groups["group"].Value) - 2) + int.Parse(m.Groups["index"].Value) - 1}.{(m.Groups["part"].Value == "conv" ? "conv" : "bn")}",
        _ => throw new InvalidOperationException($"'{module}' is not a module of airbench94's network."),
    };

    [GeneratedRegex(@"^(?<group>[234])\.(?<part>conv|norm)(?<index>[12])$")]
    private static partial Regex GroupPart();

    /// <summary>
    /// The training batch of a step (from 0): the original's per-example crop, flip and cutout rebuilt from the padded
    /// images. cifar10-fast's choices are (source, crop row, crop column in its 40×40 padded image, flip, cutout row,
    /// cutout column); airbench94's (source, row shift, column shift, flip), the shifts from the centre.
    /// </summary>
    public (Tensor X, Tensor Y) Batch(DeviceData data, int step)
    {
        using var scope = NewDisposeScope();
        var choices = this["augmentation"][step];
        var columns = (int)choices.shape[1];
        var parameters = choices.data<long>().ToArray();
        var images = new Tensor[parameters.Length / columns];
        var sources = new long[images.Length];
        for (var i = 0; i < images.Length; i++)
        {
            var p = parameters.AsSpan(columns * i, columns);
            var (source, dy, dx, flip, cy, cx) = columns == 4
                ? (p[0], DeviceData.Pad + p[1], DeviceData.Pad + p[2], p[3], -1, -1)
                : (p[0], p[1], p[2], p[3], p[4], p[5]);
            var image = data.TrainPadded[source].narrow(1, dy, 32).narrow(2, dx, 32);
            if (flip == 1)
                image = image.flip(2);
            if (cy >= 0)
            {
                image = image.clone();
                image.narrow(1, cy, Recipe.Cutout).narrow(2, cx, Recipe.Cutout).zero_();
            }
            (images[i], sources[i]) = (image, source);
        }
        var x = stack(images).MoveToOuterDisposeScope();
        return (x, data.TrainLabels.index_select(0, tensor(sources, device: data.Device)).MoveToOuterDisposeScope());
    }

    /// <summary>The noise envelope's per-step loss differences, each the largest up to that step.</summary>
    public double[] StepLossNoise()
    {
        var steps = Noise["stepLossRelative"]!.AsArray().Select(v => (double)v!).ToArray();
        for (var i = 1; i < steps.Length; i++)
            steps[i] = Math.Max(steps[i], steps[i - 1]);
        return steps;
    }

    /// <summary>The SHA-256 of a float32 tensor's values, as numpy hashes the original's (C order, little-endian).</summary>
    public static string Sha256(Tensor floats) => GoldenSet.Sha256(System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.cpu().contiguous().data<float>().ToArray().AsSpan()));
}
