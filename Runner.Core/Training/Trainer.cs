using System.Diagnostics;
using Runner.Core.Devices;
using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// One training run of a recipe, top to bottom as in the reference scripts: seed, whitening, network,
/// then per epoch augment → batches (the <see cref="Learner"/>'s steps: summed loss, Page's Nesterov step, EMA every
/// k batches) → evaluate; finally the TTA evaluation. Cancellation is checked between batches.
/// </summary>
public static class Trainer
{
    private const int EvalBatch = 1000;

    public static TrainingResult Run(
        Recipe recipe,
        DeviceData data,
        long seed,
        DeviceDescription device,
        Action<EpochMetrics>? onEpoch = null,
        Action<StepProgress>? onStep = null,
        CancellationToken ct = default)
    {
        if (Problem(recipe, data) is { } problem)
            throw new ArgumentException(problem);
        var precision = recipe.Precision.On(cuda: data.Device.type == DeviceType.CUDA);
        var half = precision == Precision.Fp16;
        NativeAllocator.Tune();
        var total = Stopwatch.StartNew();
        var training = Stopwatch.StartNew();

        // Seeding: libtorch's CPU generator (initialisation), every CUDA generator, and our own
        // generator for data order and augmentation, so a seed fixes the whole run. libtorch's
        // generators are global to the process, which is one reason a worker runs one job at a time.
        manual_seed(seed);
        if (cuda.is_available())
            cuda.manual_seed_all(seed);
        using var generator = new Generator((ulong)seed);
        var random = new Random(unchecked((int)seed));

        var count = TrainCount(recipe, data);
        var padded = data.TrainPadded.narrow(0, 0, count);
        var labels = data.TrainLabels.narrow(0, 0, count);
        var stepsPerEpoch = count / recipe.BatchSize;

        // Whitening: fixed filters from the first images, inside the timed region as in new_dawn.py.
        using var whitening = recipe.Whitening ? Whitening.Filter(data.TrainCentre(Math.Min(recipe.WhiteningImages, count)), recipe.WhiteningEpsilon) : null;
        using var model = Build(recipe, whitening, data.Device, half);
        using var average = recipe.Ema ? Build(recipe, whitening, data.Device, half) : null;
        using var learner = new Learner(recipe, model, average, stepsPerEpoch, half);

        var epochs = new List<EpochMetrics>();
        var totalSteps = (long)stepsPerEpoch * recipe.Epochs;
        for (var epoch = 1; epoch <= recipe.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            training.Start();
            var epochClock = Stopwatch.StartNew();
            using var epochScope = NewDisposeScope();
            var augmented = recipe.GroupAugmentation ? GroupAugmentation.Epoch(padded, recipe, generator) : null;
            var order = randperm(count, generator: generator).data<long>().ToArray();
            var lossSum = zeros(1, device: data.Device);
            var correct = zeros(1, ScalarType.Int64, device: data.Device);
            for (var b = 0; b < stepsPerEpoch; b++)
            {
                ct.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                var indices = order[(b * recipe.BatchSize)..((b + 1) * recipe.BatchSize)];
                var index = tensor(indices, device: data.Device);
                var x = augmented is not null ? augmented.index_select(0, index) : PerExampleAugmentation.Batch(padded, indices, recipe, random);
                var y = labels.index_select(0, index);

                var (logits, loss) = learner.Backward(x, y);
                learner.Update(b); // Page's Nesterov step, then the EMA every k-th batch of the epoch (or of the run)

                lossSum.add_(loss.detach());
                correct.add_(logits.argmax(1).eq(y).sum());
                onStep?.Invoke(new StepProgress(epoch, learner.Steps, totalSteps, training.Elapsed));
            }
            var trainLoss = lossSum.item<float>() / (stepsPerEpoch * recipe.BatchSize);
            var trainAccuracy = (double)correct.item<long>() / (stepsPerEpoch * recipe.BatchSize);
            training.Stop();
            var epochSeconds = epochClock.Elapsed.TotalSeconds; // evaluation is not part of the epoch's time

            learner.EndEpoch();
            var metrics = new EpochMetrics(epoch, recipe.Epochs, trainLoss, trainAccuracy,
                Evaluate(learner.Evaluated, data, tta: false, half), learner.LearningRate,
                epochSeconds, training.Elapsed.TotalSeconds);
            epochs.Add(metrics);
            onEpoch?.Invoke(metrics);
        }

        double? tta = recipe.Tta ? Evaluate(learner.Evaluated, data, tta: true, half) : null;
        return new TrainingResult(epochs[^1].TestAccuracy, tta, training.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, learner.Steps, epochs,
            seed, RecipeJson.Hash(recipe), device.Device, device.Name, device.TorchSharpVersion, device.LibTorchVersion, get_num_threads(),
            count == data.TrainCount ? data.Source : $"{data.Source}, first {count} training images", precision,
            data.Device.type == DeviceType.CUDA ? CudaNumerics.Describe() : null);
    }

    /// <summary>
    /// Why a (validated) recipe cannot run on this data and device, naming the field; null when it can. Recipes
    /// are validated once, where they are built (submission, the command line), not again here.
    /// </summary>
    public static string? Problem(Recipe recipe, DeviceData data)
    {
        if (recipe.Precision == Precision.Fp16 && data.Device.type != DeviceType.CUDA)
            return "Invalid recipe: precision: fp16 needs a CUDA device; use auto or fp32 on the CPU.";
        var count = TrainCount(recipe, data);
        return count < recipe.BatchSize ? $"Invalid recipe: batchSize: {recipe.BatchSize} is larger than the {count} training images." : null;
    }

    private static int TrainCount(Recipe recipe, DeviceData data) => Math.Min(recipe.TrainSubset ?? data.TrainCount, data.TrainCount);

    /// <summary>Test accuracy; with TTA the logits are the mean of those of each image and its mirror.</summary>
    public static double Evaluate(ResNet9 model, DeviceData data, bool tta, bool half = false)
    {
        model.eval();
        using var _ = no_grad();
        long correct = 0;
        var n = data.Test.shape[0];
        for (long start = 0; start < n; start += EvalBatch)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(EvalBatch, n - start);
            var x = data.Test.narrow(0, start, length);
            if (half)
                x = x.half();
            var logits = Logits(model, x, tta);
            correct += logits.argmax(1).eq(data.TestLabels.narrow(0, start, length)).sum().item<long>();
        }
        return (double)correct / n;
    }

    public static Tensor Logits(ResNet9 model, Tensor x, bool tta) =>
        tta ? (model.forward(x).to(ScalarType.Float32) + model.forward(x.flip(3)).to(ScalarType.Float32)) / 2 : model.forward(x).to(ScalarType.Float32);

    /// <summary>The forward pass as training runs it: the input in the model's precision, the logits in fp32.</summary>
    public static Tensor TrainingLogits(ResNet9 model, Tensor x, bool half) => model.forward(half ? x.half() : x).to(ScalarType.Float32);

    /// <summary>The summed (label-smoothed) cross-entropy of Page's update.</summary>
    public static Tensor Loss(Tensor logits, Tensor labels, Recipe recipe) =>
        F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum, label_smoothing: recipe.LabelSmoothing);

    /// <summary>The network as every run builds it: on the device, in fp16 with fp32 batch norm when <paramref name="half"/>.</summary>
    public static ResNet9 Build(Recipe recipe, Tensor? whitening, Device device, bool half)
    {
        var model = new ResNet9(recipe, whitening);
        model.to(device);
        if (half)
        {
            model.half();
            foreach (var bn in model.BatchNorms())
                bn.to(ScalarType.Float32);
        }
        return model;
    }
}
