using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>
/// The baseline's augmentation, drawn independently for every example of a batch as a data loader
/// does: a random 32×32 crop of the padded image (a translation by up to the recipe's pixels), a flip with probability ½, a cutout square anywhere.
/// </summary>
public static class PerExampleAugmentation
{
    public static Tensor Batch(Tensor padded, long[] indices, Recipe recipe, Random random)
    {
        using var scope = NewDisposeScope();
        var images = new Tensor[indices.Length];
        var (first, shifts) = (DeviceData.Pad - recipe.Translate, 2 * recipe.Translate + 1);
        for (var i = 0; i < indices.Length; i++)
        {
            var image = padded[indices[i]].narrow(1, first + random.Next(shifts), 32).narrow(2, first + random.Next(shifts), 32);
            if (random.Next(2) == 1)
                image = image.flip(2);
            if (recipe.Cutout > 0)
            {
                image = image.clone();
                var positions = 32 - recipe.Cutout + 1;
                image.narrow(1, random.Next(positions), recipe.Cutout).narrow(2, random.Next(positions), recipe.Cutout).zero_();
            }
            images[i] = image;
        }
        return stack(images).MoveToOuterDisposeScope();
    }
}
