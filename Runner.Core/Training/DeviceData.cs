using Runner.Core.Data;
using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// The dataset as normalised tensors on the device, built once and reused by every run on that device that normalises
/// the same way: training images reflect-padded by <see cref="Pad"/> pixels (40×40, ready for 32×32 crops), test
/// images as they are.
/// </summary>
public sealed class DeviceData : IDisposable
{
    public DeviceData(Cifar10 data, Device device, Normalisation normalisation = Normalisation.Cifar10Fast)
    {
        Device = device;
        Source = data.Source;
        Normalisation = normalisation;
        TrainPadded = nn.functional.pad(Normalise(data.TrainImages, data.TrainCount, device, normalisation), [Pad, Pad, Pad, Pad], PaddingModes.Reflect).DetachFromDisposeScope();
        TrainLabels = tensor(data.TrainLabels.Select(b => (long)b).ToArray(), device: device).DetachFromDisposeScope();
        Test = Normalise(data.TestImages, data.TestCount, device, normalisation).DetachFromDisposeScope();
        TestLabels = tensor(data.TestLabels.Select(b => (long)b).ToArray(), device: device).DetachFromDisposeScope();
    }

    /// <summary>Reflect padding of the training images: room for the largest translation a recipe may ask for.</summary>
    public const int Pad = RecipeValidation.MaxTranslate;

    public Device Device { get; }
    public string Source { get; }
    public Normalisation Normalisation { get; }
    public Tensor TrainPadded { get; }
    public Tensor TrainLabels { get; }
    public Tensor Test { get; }
    public Tensor TestLabels { get; }
    public int TrainCount => (int)TrainLabels.shape[0];

    /// <summary>The first n training images, un-padded (the sample whitening is computed from).</summary>
    public Tensor TrainCentre(int n) => TrainPadded.narrow(0, 0, Math.Min(n, TrainCount)).narrow(2, Pad, 32).narrow(3, Pad, 32);

    /// <summary>The images normalised as the <paramref name="normalisation"/>'s source computes it, operation for operation.</summary>
    private static Tensor Normalise(byte[] images, int count, Device device, Normalisation normalisation)
    {
        using var scope = NewDisposeScope();
        var raw = tensor(images, [count, 3, 32, 32]).to(device).to(ScalarType.Float32);
        var (x, mean, std) = normalisation switch
        {
            Normalisation.Airbench => (raw / 255, new[] { 0.4914f, 0.4822f, 0.4465f }, new[] { 0.2470f, 0.2435f, 0.2616f }),
            _ => (raw, new[] { 125.31f, 122.95f, 113.87f }, new[] { 62.99f, 62.09f, 66.70f }),
        };
        return ((x - tensor(mean, device: device).view(1, 3, 1, 1)) / tensor(std, device: device).view(1, 3, 1, 1)).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        TrainPadded.Dispose();
        TrainLabels.Dispose();
        Test.Dispose();
        TestLabels.Dispose();
    }
}
