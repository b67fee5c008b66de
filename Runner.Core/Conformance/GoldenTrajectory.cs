using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Core.Recipes;
using Runner.Core.Training;
using static TorchSharp.torch;

namespace Runner.Core.Conformance;

/// <summary>
/// One golden trajectory of cifar10-fast's own training (tools/reference/golden.py, fp32 on the CPU): its recipe in
/// Runner's fields, the original's tensors by the original's names, and the float32 noise envelope the script measured
/// (the same trajectory with every initial parameter one ulp away, and with two threads).
/// </summary>
public sealed partial class GoldenTrajectory
{
    internal GoldenTrajectory(GoldenSet set, string name)
    {
        Name = name;
        var entry = set.Manifest["trajectories"]![name]!.AsObject();
        var node = RecipeJson.ToNode(new Recipe());
        foreach (var (field, value) in entry["recipe"]!.AsObject())
            node[field] = value?.DeepClone();
        Recipe = RecipeJson.FromNode(node);
        Steps = (int)entry["steps"]!;
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
    public JsonObject Noise { get; }

    /// <summary>Per gradient (Runner's names), how far float32 noise moves the original's own step-1 gradient.</summary>
    public Dictionary<string, double> Step1GradientNoise { get; }

    public Dictionary<string, Tensor> Arrays { get; }

    /// <summary>Which states the file keeps ("init", "step1/grad", … "resume/state"): the final stage's also the last step's.</summary>
    public IReadOnlyList<string> Stored { get; }

    public bool Keeps(string prefix) => Stored.Contains(prefix);

    public Tensor this[string name] => Arrays.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{Name}.npz has no '{name}'.");

    /// <summary>The tensors under a prefix ("init", "final/state", …) by Runner's names, floating-point entries only.</summary>
    public Dictionary<string, Tensor> State(string prefix) => Arrays
        .Where(e => e.Key.StartsWith(prefix + "/", StringComparison.Ordinal))
        .ToDictionary(e => RunnerName(e.Key[(prefix.Length + 1)..]), e => e.Value);

    /// <summary>
    /// The original's parameter names (its Network sets each node's path with '/' → '_') as Runner's: prep_conv →
    /// prep.conv (or prep_1x1 behind whitening), prep_whiten → whiten, prep_norm → prep_bn, layer1_residual_res1_bn →
    /// layer1_residual.res1.bn, linear → classifier.
    /// </summary>
    public string RunnerName(string original)
    {
        var (module, leaf) = (original[..original.LastIndexOf('.')], original[(original.LastIndexOf('.') + 1)..]);
        var runner = module switch
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

    /// <summary>The training batch of a step (from 0): the original's per-example crop, flip and cutout rebuilt from the padded images.</summary>
    public (Tensor X, Tensor Y) Batch(DeviceData data, int step)
    {
        using var scope = NewDisposeScope();
        var parameters = this["augmentation"][step].data<long>().ToArray();
        var images = new Tensor[parameters.Length / 6];
        var sources = new long[images.Length];
        for (var i = 0; i < images.Length; i++)
        {
            var (source, dy, dx, flip, cy, cx) = (parameters[6 * i], parameters[6 * i + 1], parameters[6 * i + 2], parameters[6 * i + 3], parameters[6 * i + 4], parameters[6 * i + 5]);
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
