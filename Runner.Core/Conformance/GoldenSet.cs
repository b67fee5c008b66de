using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Runner.Core.Data;
using Runner.Core.Recipes;
using Runner.Core.Training;

namespace Runner.Core.Conformance;

/// <summary>
/// A folder of golden trajectories made by a script of tools/reference from the original's own code (golden.py for
/// cifar10-fast, airbench_golden.py for airbench94): manifest.json (the original's commit, versions, the data's hashes,
/// each trajectory's recipe and measured noise) and one .npz a trajectory (tools/reference/README.md).
/// </summary>
public sealed class GoldenSet
{
    private readonly Dictionary<string, GoldenTrajectory> _loaded = [];

    public GoldenSet(string folder)
    {
        var manifest = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifest))
            throw new FileNotFoundException($"{folder} has no manifest.json: not a folder of golden trajectories (tools/reference/README.md).", manifest);
        Folder = folder;
        Manifest = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        TrainImages = (int)Manifest["data"]!["trainImages"]!;
        TestImages = (int)Manifest["data"]!["testImages"]!;
    }

    public string Folder { get; }
    public JsonObject Manifest { get; }
    public int TrainImages { get; }
    public int TestImages { get; }

    /// <summary>How the trajectories' inputs are normalised (one way for the whole set: they share the images).</summary>
    public Normalisation Normalisation => Trajectory(Trajectories[0]).Recipe.Normalisation;

    /// <summary>The reflect padding of the training images whose hash the manifest keeps (the original's own).</summary>
    public int Padding => (int?)Manifest["data"]!["padding"] ?? DeviceData.Pad;

    public IReadOnlyList<string> Trajectories => Manifest["trajectories"]!.AsObject().Select(t => t.Key).ToList();

    public GoldenTrajectory Trajectory(string name)
    {
        lock (_loaded)
            return _loaded.TryGetValue(name, out var t) ? t : _loaded[name] = new GoldenTrajectory(this, name);
    }

    /// <summary>
    /// The images the trajectories were made from (the first training and test images of the shared JPEG-derived copy),
    /// taken from a CIFAR-10 copy and checked against the manifest's hashes.
    /// </summary>
    public Cifar10 Inputs(Cifar10 cifar)
    {
        var data = Manifest["data"]!;
        if (cifar.TrainCount < TrainImages || cifar.TestCount < TestImages
            || Sha256(cifar.TrainImages.AsSpan(0, TrainImages * Cifar10.ImageBytes)) != (string)data["trainImagesSha256"]!
            || Sha256(cifar.TestImages.AsSpan(0, TestImages * Cifar10.ImageBytes)) != (string)data["testImagesSha256"]!)
            throw new DatasetException($"{cifar.Source} is not the copy the golden trajectories were made from (the shared JPEG-derived CIFAR-10, archive sha256 {data["archiveSha256"]}).");
        return new Cifar10(cifar.TrainImages[..(TrainImages * Cifar10.ImageBytes)], cifar.TrainLabels[..TrainImages],
            cifar.TestImages[..(TestImages * Cifar10.ImageBytes)], cifar.TestLabels[..TestImages], $"{cifar.Source}, the golden trajectories' images");
    }

    /// <summary>The inputs as CIFAR-10 records (label, then 3,072 image bytes), training images first: a file small enough to carry where the data set is not.</summary>
    public void SaveInputs(Cifar10 inputs, string path)
    {
        using var file = File.Create(path);
        foreach (var (images, labels) in new[] { (inputs.TrainImages, inputs.TrainLabels), (inputs.TestImages, inputs.TestLabels) })
            for (var i = 0; i < labels.Length; i++)
            {
                file.WriteByte(labels[i]);
                file.Write(images, i * Cifar10.ImageBytes, Cifar10.ImageBytes);
            }
    }

    /// <summary>Reads <see cref="SaveInputs"/>'s file and checks it against the manifest's hashes.</summary>
    public Cifar10 LoadInputs(string path)
    {
        var bytes = File.ReadAllBytes(path);
        const int record = Cifar10.ImageBytes + 1;
        if (bytes.Length != (TrainImages + TestImages) * record)
            throw new DatasetException($"{path} has {bytes.Length:N0} bytes; the golden trajectories' inputs are {TrainImages + TestImages:N0} records of {record:N0} bytes.");
        (byte[] Images, byte[] Labels) Records(int first, int count)
        {
            var (images, labels) = (new byte[count * Cifar10.ImageBytes], new byte[count]);
            for (var i = 0; i < count; i++)
            {
                labels[i] = bytes[(first + i) * record];
                Buffer.BlockCopy(bytes, (first + i) * record + 1, images, i * Cifar10.ImageBytes, Cifar10.ImageBytes);
            }
            return (images, labels);
        }
        var (train, trainLabels) = Records(0, TrainImages);
        var (test, testLabels) = Records(TrainImages, TestImages);
        return Inputs(new Cifar10(train, trainLabels, test, testLabels, path));
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
