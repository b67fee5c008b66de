namespace Runner.Core.Data;

/// <summary>
/// CIFAR-10 as bytes: images in the official record layout (per image 1,024 R, then G, then B bytes,
/// row-major, i.e. C×H×W), labels 0–9.
/// </summary>
public sealed record Cifar10(byte[] TrainImages, byte[] TrainLabels, byte[] TestImages, byte[] TestLabels, string Source)
{
    public const int ImageBytes = 3 * 32 * 32;
    public const int Classes = 10;
    public const int OfficialTrainCount = 50_000;

    public int TrainCount => TrainLabels.Length;
    public int TestCount => TestLabels.Length;

    /// <summary>The first <paramref name="count"/> training images (the record order is already shuffled).</summary>
    public Cifar10 WithTrainSubset(int? count) => count is not { } n || n >= TrainCount
        ? this
        : this with { TrainImages = TrainImages[..(n * ImageBytes)], TrainLabels = TrainLabels[..n], Source = $"{Source}, first {n} training images" };
}
