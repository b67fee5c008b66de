using System.Diagnostics;
using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// The pieces `bench` times against the training loop: the compute floor (the same network, loss and
/// update for the same number of steps on one pre-made batch: no data pipeline, EMA, metrics or
/// bookkeeping) and the augmentation and batching of one epoch.
/// </summary>
public static class Benchmark
{
    public static double ComputeFloorSeconds(Recipe recipe, DeviceData data, long steps, long seed)
    {
        manual_seed(seed);
        using var filter = recipe.Whitening ? Whitening.Filter(data.TrainCentre(Math.Min(recipe.WhiteningImages, data.TrainCount)), recipe.WhiteningEpsilon) : null;
        using var model = new ResNet9(recipe, filter);
        model.to(data.Device);
        model.train();
        using var optimizer = new NesterovSgd(model, recipe);
        using var x = data.TrainCentre(recipe.BatchSize).clone();
        using var y = data.TrainLabels.narrow(0, 0, recipe.BatchSize);
        Synchronize(data.Device);
        var clock = Stopwatch.StartNew();
        for (long step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = F.cross_entropy(model.forward(x), y, reduction: nn.Reduction.Sum, label_smoothing: recipe.LabelSmoothing);
            model.zero_grad();
            loss.backward();
            optimizer.Step(recipe.LearningRate.Values.Max());
        }
        Synchronize(data.Device);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Group-wise augmentation of the whole training set plus cutting it into shuffled batches.</summary>
    public static double AugmentationSeconds(Recipe recipe, DeviceData data, long seed)
    {
        using var generator = new Generator((ulong)seed);
        Synchronize(data.Device);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var augmented = GroupAugmentation.Epoch(data.TrainPadded, recipe, generator);
        var order = randperm(data.TrainCount, generator: generator).to(data.Device);
        for (var b = 0; b + recipe.BatchSize <= data.TrainCount; b += recipe.BatchSize)
        {
            var index = order.narrow(0, b, recipe.BatchSize);
            augmented.index_select(0, index);
            data.TrainLabels.index_select(0, index);
        }
        Synchronize(data.Device);
        return clock.Elapsed.TotalSeconds;
    }

    private static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA)
            cuda.synchronize(device);
    }
}
