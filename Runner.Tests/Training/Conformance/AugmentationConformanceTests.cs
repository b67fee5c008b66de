using Runner.Core.Conformance;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Runner.Tests.Training.Conformance;

/// <summary>
/// Runner's augmentation against the original's rule. The random streams differ, so the draws are compared in
/// distribution: both sides augment a stand-in dataset whose pixels name their own source (image, row, column; the
/// script does the same to the original's GPUBatches and Transform), and the choices read back from it must have the
/// same group sizes, the same number and kind of options per epoch, and fresh draws every epoch.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class AugmentationConformanceTests
{
    /// <summary>Per image: source, crop row, crop column (in the 40×40 padded image), flip (1), cutout row and column (−1: none).</summary>
    private sealed record Choice(int Source, int Dy, int Dx, int Flip, int Cy, int Cx)
    {
        public (int, int) Crop => (Dy, Dx);
        public (int, int) Cut => (Cy, Cx);
    }

    private static Tensor Coordinates(int n)
    {
        var index = (arange(n, ScalarType.Float32) + 1).view(n, 1, 1).expand(n, 40, 40);
        var rows = (arange(40, ScalarType.Float32) + 1).view(1, 40, 1).expand(n, 40, 40);
        var cols = (arange(40, ScalarType.Float32) + 1).view(1, 1, 40).expand(n, 40, 40);
        return stack([index, rows, cols], 1).contiguous();
    }

    private static Choice[] Decode(Tensor images)
    {
        var n = (int)images.shape[0];
        var values = images.contiguous().data<float>().ToArray();
        var choices = new Choice[n];
        for (var i = 0; i < n; i++)
        {
            float At(int c, int r, int col) => values[((i * 3 + c) * 32 + r) * 32 + col];
            var cut = Enumerable.Range(0, 32 * 32).Where(p => At(0, p / 32, p % 32) == 0).ToArray();
            var row = Enumerable.Range(0, 32).First(r => !cut.Any(p => p / 32 == r));
            var flip = At(2, row, 0) > At(2, row, 31) ? 1 : 0;
            choices[i] = new Choice((int)At(0, row, 0) - 1, (int)At(1, row, 0) - 1 - row, (int)At(2, row, flip == 1 ? 31 : 0) - 1, flip,
                cut.Length > 0 ? cut.Min(p => p / 32) : -1, cut.Length > 0 ? cut.Min(p => p % 32) : -1);
        }
        return choices;
    }

    /// <summary>The original's choices of each epoch, by source image (every image is drawn once an epoch).</summary>
    private static Choice[][] Original(Tensor parameters, int epochs)
    {
        var values = parameters.reshape(epochs, -1, 6).data<long>().ToArray();
        var perEpoch = values.Length / 6 / epochs;
        return Enumerable.Range(0, epochs).Select(e => Enumerable.Range(0, perEpoch)
                .Select(i => values.AsSpan((e * perEpoch + i) * 6, 6).ToArray())
                .Select(v => new Choice((int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5]))
                .OrderBy(c => c.Source).ToArray())
            .ToArray();
    }

    private static Choice[][] GroupWise(Recipe recipe, int n, int epochs)
    {
        using var generator = new Generator(7);
        using var coordinates = Coordinates(n);
        return Enumerable.Range(0, epochs).Select(_ => Decode(GroupAugmentation.Epoch(coordinates, recipe, generator))).ToArray();
    }

    private static Choice[][] PerExample(Recipe recipe, int n, int epochs)
    {
        var random = new Random(7);
        using var coordinates = Coordinates(n);
        var all = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        return Enumerable.Range(0, epochs).Select(_ => Decode(PerExampleAugmentation.Batch(coordinates, all, recipe, random))).ToArray();
    }

    /// <summary>How many images each option got, largest first: group-wise, the sizes of the groups.</summary>
    private static int[] GroupSizes<T>(IEnumerable<Choice> epoch, Func<Choice, T> option) =>
        epoch.GroupBy(option).Select(g => g.Count()).OrderDescending().ToArray();

    private static double FreshFraction(Choice[][] epochs) =>
        epochs[0].Zip(epochs[1]).Count(p => p.First.Crop != p.Second.Crop || p.First.Flip != p.Second.Flip) / (double)epochs[0].Length;

    [Fact]
    public void Group_wise_crops_flips_and_cutouts_have_the_originals_groups_options_and_fresh_draws()
    {
        var golden = Golden.Set.Trajectory("final");
        var cutoutEntry = Golden.Set.Manifest["augmentation"]!["group-wise-cutout"]!;
        var withCutout = Npz.Read(Path.Combine(Golden.Set.Folder, (string)cutoutEntry["file"]!))["group-wise-cutout"];
        var n = golden.Recipe.TrainSubset!.Value;
        var cases = new[]
        {
            (Name: "crops and flips", Recipe: golden.Recipe, Original: Original(golden["augmentation"], golden.Recipe.EpochCount)),
            (Name: "crops, flips and cutout 5", Recipe: golden.Recipe with { Cutout = 5 }, Original: Original(withCutout, 2)),
        };

        foreach (var (name, recipe, original) in cases)
        {
            var runner = GroupWise(recipe, n, original.Length);
            for (var e = 0; e < original.Length; e++)
            {
                Assert.Equal(Enumerable.Range(0, n), original[e].Select(c => c.Source));
                Assert.Equal(Enumerable.Range(0, n), runner[e].Select(c => c.Source));
                Assert.All(runner[e], c => Assert.True(c.Dy is >= 0 and <= 8 && c.Dx is >= 0 and <= 8, $"{name}: crop {c.Crop} outside the 81 positions"));
                // Group sizes as even splits of the permuted data: 81 crops, 2 flips, min(784, 200) cutout squares.
                Assert.Equal(GroupSizes(original[e], c => c.Crop), GroupSizes(runner[e], c => c.Crop));
                Assert.Equal(GroupSizes(original[e], c => c.Flip), GroupSizes(runner[e], c => c.Flip));
                Assert.Equal(GroupSizes(original[e], c => c.Cut), GroupSizes(runner[e], c => c.Cut));
            }
            Assert.Equal(81, GroupSizes(runner[0], c => c.Crop).Length);
            Assert.Equal(recipe.Cutout > 0 ? recipe.MaxOptions : 1, GroupSizes(runner[0], c => c.Cut).Length);
            // Fresh draws each epoch: an image keeps its crop and flip with probability about 1/162 on both sides.
            Assert.True(FreshFraction(original) > 0.95 && FreshFraction(runner) > 0.95, $"{name}: fresh {FreshFraction(original):P1} (original), {FreshFraction(runner):P1} (Runner)");
        }
    }

    [Fact]
    public void Per_example_draws_are_uniform_over_the_same_options_as_the_originals_and_fresh_each_epoch()
    {
        var golden = Golden.Set.Trajectory("baseline");
        var recipe = golden.Recipe;
        var original = Original(golden["augmentation"], recipe.EpochCount);
        var runner = PerExample(recipe, original[0].Length, recipe.EpochCount);
        var positions = 32 - recipe.Cutout + 1;

        foreach (var (side, epochs) in new[] { ("original", original), ("Runner", runner) })
        {
            var all = epochs.SelectMany(e => e).ToArray();
            Assert.All(all, c => Assert.True(c.Dy is >= 0 and <= 8 && c.Dx is >= 0 and <= 8 && c.Cy is >= 0 && c.Cy < positions && c.Cx is >= 0 && c.Cx < positions,
                $"{side}: {c} outside the crop or cutout positions"));
            // Independent uniform draws per example: every crop and cutout position is used, and Pearson's χ² over the 81
            // crops (80 df) and the flips (1 df) stays below its 0.999 quantile (124.8 and 10.8).
            Assert.Equal(81, all.Select(c => c.Crop).Distinct().Count());
            Assert.Equal(positions * positions, all.Select(c => c.Cut).Distinct().Count());
            Assert.True(ChiSquare(all, c => c.Crop, 81) < 124.8, $"{side}: crops χ² {ChiSquare(all, c => c.Crop, 81):F1}");
            Assert.True(ChiSquare(all, c => c.Flip, 2) < 10.8, $"{side}: flips χ² {ChiSquare(all, c => c.Flip, 2):F1}");
            Assert.True(FreshFraction(epochs) > 0.95, $"{side}: only {FreshFraction(epochs):P1} of images drew again");
        }
    }

    private static double ChiSquare<T>(Choice[] draws, Func<Choice, T> option, int options)
    {
        var expected = draws.Length / (double)options;
        return draws.GroupBy(option).Sum(g => Math.Pow(g.Count() - expected, 2) / expected);
    }
}
