using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// airbench's loader on the device (docs/recipe.md, "airbench94"): each epoch every image is translated by a fresh
/// random shift of up to the recipe's pixels in each direction (a crop of the reflect-padded image) and flipped,
/// either alternately (a random half in the first epoch, then every image's flip alternates by epoch) or at random.
/// The flip after the crop equals the reference's crop of a pre-flipped image with the horizontal shift mirrored.
/// </summary>
public sealed class AirbenchAugmentation(Tensor padded, Recipe recipe, Generator generator) : IDisposable
{
    private Tensor? _firstFlips;

    /// <summary>Epoch <paramref name="epoch"/> (from 0) of augmented 32×32 images.</summary>
    public Tensor Epoch(int epoch)
    {
        using var scope = NewDisposeScope();
        var n = padded.shape[0];
        var images = Translate(padded, recipe.Translate, generator);
        Tensor flips;
        if (recipe.AlternatingFlip)
        {
            _firstFlips ??= Coins(n).DetachFromDisposeScope();
            flips = epoch % 2 == 1 ? _firstFlips.logical_not() : _firstFlips;
        }
        else
        {
            flips = Coins(n);
        }
        return where(flips.view(-1, 1, 1, 1), images.flip(3), images).MoveToOuterDisposeScope();
    }

    private Tensor Coins(long n) => (rand(n, generator: generator) < 0.5).to(padded.device);

    /// <summary>Each image cropped at its own random shift in [−t, t]², one copy per shift as the reference's batch_crop.</summary>
    public static Tensor Translate(Tensor padded, int t, Generator generator)
    {
        var pad = (int)(padded.shape[2] - 32) / 2;
        var n = padded.shape[0];
        using var scope = NewDisposeScope();
        var output = empty(n, 3, 32, 32, device: padded.device);
        var shifts = randint(-t, t + 1, [n, 2], generator: generator).data<long>().ToArray();
        var byShift = Enumerable.Range(0, (int)n).GroupBy(i => (shifts[2 * i], shifts[2 * i + 1]));
        foreach (var group in byShift)
        {
            var index = tensor(group.Select(i => (long)i).ToArray(), device: padded.device);
            var (dy, dx) = group.Key;
            output.index_copy_(0, index, padded.index_select(0, index).narrow(2, pad + dy, 32).narrow(3, pad + dx, 32));
        }
        return output.MoveToOuterDisposeScope();
    }

    public void Dispose() => _firstFlips?.Dispose();
}
