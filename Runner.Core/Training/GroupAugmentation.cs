using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// Page's batched augmentation on the device (docs/recipe.md): for each transform, every epoch, a random
/// permutation of the dataset is cut into G = min(#options, max options) nearly equal groups and one
/// randomly chosen option is applied to each whole group: crop (81 positions in the 40×40 padded image at the baseline's 4-pixel translation),
/// horizontal flip (2 options), cutout (zeroed square). A few large kernels instead of one per example.
/// </summary>
public static class GroupAugmentation
{
    /// <summary>Which examples form each group and which option each group gets.</summary>
    public sealed record Groups(long[][] Members, int[] Options);

    public static Groups Assign(int count, int optionCount, int maxOptions, Generator generator)
    {
        var groups = Math.Min(optionCount, maxOptions);
        using var chosen = randperm(optionCount, generator: generator);
        using var order = randperm(count, generator: generator);
        var options = chosen.data<long>().Take(groups).Select(o => (int)o).ToArray();
        var permutation = order.data<long>().ToArray();
        var members = Enumerable.Range(0, groups)
            .Select(g => permutation[(int)((long)g * count / groups)..(int)((long)(g + 1) * count / groups)])
            .ToArray();
        return new Groups(members, options);
    }

    /// <summary>One epoch of augmented 32×32 images from the padded training set.</summary>
    public static Tensor Epoch(Tensor padded, Recipe recipe, Generator generator)
    {
        var n = (int)padded.shape[0];
        var device = padded.device;
        var output = empty(n, 3, 32, 32, device: device);
        using var scope = NewDisposeScope();

        var (first, shifts) = (DeviceData.Pad - recipe.Translate, 2 * recipe.Translate + 1);
        var crops = Assign(n, shifts * shifts, recipe.MaxOptions, generator);
        for (var g = 0; g < crops.Members.Length; g++)
        {
            var index = tensor(crops.Members[g], device: device);
            var (dy, dx) = (first + crops.Options[g] / shifts, first + crops.Options[g] % shifts);
            output.index_copy_(0, index, padded.index_select(0, index).narrow(2, dy, 32).narrow(3, dx, 32));
        }

        var flips = Assign(n, 2, recipe.MaxOptions, generator);
        for (var g = 0; g < flips.Members.Length; g++)
            if (flips.Options[g] == 1)
            {
                var index = tensor(flips.Members[g], device: device);
                output.index_copy_(0, index, output.index_select(0, index).flip(3));
            }

        if (recipe.Cutout > 0)
        {
            var positions = 32 - recipe.Cutout + 1;
            var cutouts = Assign(n, positions * positions, recipe.MaxOptions, generator);
            for (var g = 0; g < cutouts.Members.Length; g++)
            {
                var index = tensor(cutouts.Members[g], device: device);
                var (y, x) = (cutouts.Options[g] / positions, cutouts.Options[g] % positions);
                var images = output.index_select(0, index);
                images.narrow(2, y, recipe.Cutout).narrow(3, x, recipe.Cutout).zero_();
                output.index_copy_(0, index, images);
            }
        }
        return output;
    }
}
