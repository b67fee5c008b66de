using System.Diagnostics;
using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// The pieces `bench` times against the training loop: the compute floor (the network built, run and
/// updated exactly as the loop does — <see cref="Trainer.Build"/>, <see cref="Trainer.TrainingLogits"/>,
/// <see cref="Trainer.Loss"/>, precision as it resolves on the device — for the same number of steps on one
/// batch indexed from the training images as the loop indexes its batches: no augmentation, EMA, metrics or
/// bookkeeping) and the augmentation and batching of one epoch on the device.
/// </summary>
public static class Benchmark
{
    public static double ComputeFloorSeconds(Recipe recipe, DeviceData data, long steps, long seed)
    {
        manual_seed(seed);
        var half = recipe.Precision.On(cuda: data.Device.type == DeviceType.CUDA) == Precision.Fp16;
        using var filter = recipe.Whitening && recipe.Network == Network.ResNet9 ? Whitening.Filter(data.TrainCentre(Math.Min(recipe.WhiteningImages, data.TrainCount)), recipe.WhiteningEpsilon) : null;
        using var model = Trainer.Build(recipe, filter, data.Device, half);
        Trainer.WhitenAirbench(recipe, data, data.TrainCount, model);
        model.train();
        using var optimizer = new NesterovSgd(model, recipe);
        using var generator = new Generator(Trainer.DataSeed(seed));
        using var index = randperm(data.TrainCount, generator: generator).narrow(0, 0, recipe.BatchSize).to(data.Device);
        using var x = data.TrainCentre(data.TrainCount).index_select(0, index);
        using var y = data.TrainLabels.index_select(0, index);
        Synchronize(data.Device);
        var clock = Stopwatch.StartNew();
        for (long step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = Trainer.Loss(Trainer.TrainingLogits(model, x, half), y, recipe);
            model.zero_grad();
            loss.backward();
            optimizer.Step(recipe.LearningRate.Values.Max());
        }
        Synchronize(data.Device);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>One epoch's augmentation on the device (airbench's loader, or group-wise) plus cutting it into shuffled batches.</summary>
    public static double AugmentationSeconds(Recipe recipe, DeviceData data, long seed)
    {
        using var generator = new Generator(Trainer.DataSeed(seed));
        using var loader = recipe.Network == Network.Airbench ? new AirbenchAugmentation(data.TrainPadded, recipe, generator) : null;
        Synchronize(data.Device);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var augmented = loader?.Epoch(0) ?? GroupAugmentation.Epoch(data.TrainPadded, recipe, generator);
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
