using System.Diagnostics;
using Runner.Core.Devices;
using Runner.Core.Recipes;
using Runner.Core.Validation;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// One training run of a recipe, top to bottom as in the reference scripts: seed, whitening, network (ResNet-9 or
/// airbench), then per epoch augment → batches (the <see cref="Learner"/>'s steps: summed loss, Nesterov step, EMA every
/// k batches, lookahead) → evaluate; finally the TTA evaluation. A fractional last epoch stops at the run's last step.
/// Cancellation is checked between batches.
/// </summary>
public static class Trainer
{
    /// <summary>Test images evaluated at once: bounds the evaluation's memory at any width.</summary>
    private const int EvalBatch = 1000;

    /// <summary>
    /// The seed of a run's data stream (augmentation and batch order). It and libtorch's global generator (initialisation)
    /// are both mt19937, so seeded alike they would draw the same numbers: each initial weight tied to a crop, a flip or a
    /// place in the order. The original draws both from one stream, one after the other, so its draws never repeat
    /// (docs/benchmarks.md, "The end-to-end gap: two random streams").
    /// </summary>
    public static ulong DataSeed(long seed) => unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL);

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
        using var generator = new Generator(DataSeed(seed));
        var random = new Random(unchecked((int)seed));

        var count = TrainCount(recipe, data);
        var padded = data.TrainPadded.narrow(0, 0, count);
        var labels = data.TrainLabels.narrow(0, 0, count);
        var stepsPerEpoch = count / recipe.BatchSize;
        var totalSteps = recipe.TotalSteps(stepsPerEpoch);
        var airbench = recipe.Network == Network.Airbench;

        // Whitening (ResNet-9): fixed filters from the first images, inside the timed region as in new_dawn.py.
        using var whitening = recipe.Whitening && !airbench ? Whitening.Filter(data.TrainCentre(Math.Min(recipe.WhiteningImages, count)), recipe.WhiteningEpsilon) : null;
        using var model = Build(recipe, whitening, data.Device, half);
        using var average = recipe.Ema ? Build(recipe, whitening, data.Device, half) : null;
        using var lookahead = recipe.Lookahead ? new Lookahead(model) : null; // from the network as built, before airbench's whitening, as the reference's
        WhitenAirbench(recipe, data, count, model, average);
        using var learner = new Learner(recipe, model, average, stepsPerEpoch, half, lookahead);
        using var loader = airbench ? new AirbenchAugmentation(padded, recipe, generator) : null;

        var epochs = new List<EpochMetrics>();
        for (var epoch = 1; epoch <= recipe.EpochCount; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            training.Start();
            var epochClock = Stopwatch.StartNew();
            using var epochScope = NewDisposeScope();
            learner.BeginEpoch(epoch);
            var augmented = loader?.Epoch(epoch - 1) ?? (recipe.GroupAugmentation ? GroupAugmentation.Epoch(padded, recipe, generator) : null);
            var order = randperm(count, generator: generator).data<long>().ToArray();
            var lossSum = zeros(1, device: data.Device);
            var correct = zeros(1, ScalarType.Int64, device: data.Device);
            var steps = (int)Math.Min(stepsPerEpoch, totalSteps - learner.Steps); // the last epoch of a fractional run is cut short
            for (var b = 0; b < steps; b++)
            {
                ct.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                var indices = order[(b * recipe.BatchSize)..((b + 1) * recipe.BatchSize)];
                var index = tensor(indices, device: data.Device);
                var x = augmented is not null ? augmented.index_select(0, index) : PerExampleAugmentation.Batch(padded, indices, recipe, random);
                var y = labels.index_select(0, index);

                var (logits, loss) = learner.Backward(x, y);
                learner.Update(b); // the Nesterov step, then the EMA every k-th batch of the epoch (or of the run), then the lookahead

                lossSum.add_(loss.detach());
                correct.add_(logits.argmax(1).eq(y).sum());
                onStep?.Invoke(new StepProgress(epoch, learner.Steps, totalSteps, training.Elapsed));
            }
            var trainLoss = lossSum.item<float>() / (steps * recipe.BatchSize);
            var trainAccuracy = (double)correct.item<long>() / (steps * recipe.BatchSize);
            training.Stop();
            var epochSeconds = epochClock.Elapsed.TotalSeconds; // evaluation is not part of the epoch's time

            learner.EndEpoch();
            var metrics = new EpochMetrics(epoch, recipe.EpochCount, trainLoss, trainAccuracy,
                Evaluate(learner.Evaluated, data, tta: false, translate: false, half), learner.LearningRate,
                epochSeconds, training.Elapsed.TotalSeconds);
            epochs.Add(metrics);
            onEpoch?.Invoke(metrics);
        }

        double? tta = recipe.Tta ? Evaluate(learner.Evaluated, data, tta: true, recipe.TtaTranslate, half) : null;
        return new TrainingResult(epochs[^1].TestAccuracy, tta, training.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, learner.Steps, epochs,
            seed, RecipeJson.Hash(recipe), device.Device, device.Name, device.TorchSharpVersion, device.LibTorchVersion, get_num_threads(),
            count == data.TrainCount ? data.Source : $"{data.Source}, first {count} training images", precision,
            data.Device.type == DeviceType.CUDA ? CudaNumerics.Describe() : CpuConvolutions.Describe(recipe));
    }

    /// <summary>
    /// Why a (validated) recipe cannot run on this data and device, naming the field; null when it can. Recipes
    /// are validated once, where they are built (submission, the command line), not again here.
    /// </summary>
    public static string? Problem(Recipe recipe, DeviceData data)
    {
        if (recipe.Precision == Precision.Fp16 && data.Device.type != DeviceType.CUDA)
            return "Invalid recipe: precision: fp16 needs a CUDA device; use auto or fp32 on the CPU.";
        if (recipe.Normalisation != data.Normalisation)
            return $"Invalid recipe: normalisation: the data on the device is normalised as {JsonNames.Of(data.Normalisation)}, the recipe asks for {JsonNames.Of(recipe.Normalisation)}.";
        var count = TrainCount(recipe, data);
        return count < recipe.BatchSize ? $"Invalid recipe: batchSize: {recipe.BatchSize} is larger than the {count} training images." : null;
    }

    private static int TrainCount(Recipe recipe, DeviceData data) => Math.Min(recipe.TrainSubset ?? data.TrainCount, data.TrainCount);

    /// <summary>Test accuracy; with TTA the logits are those of <see cref="Logits"/>.</summary>
    public static double Evaluate(nn.Module<Tensor, Tensor> model, DeviceData data, bool tta, bool translate, bool half = false)
    {
        using var scope = NewDisposeScope();
        using var logits = TestLogits(model, data, tta, translate, half);
        return logits.argmax(1).eq(data.TestLabels).sum().item<long>() / (double)data.Test.shape[0];
    }

    /// <summary>
    /// The model's fp32 logits on every test image, in evaluation mode, in chunks of <see cref="EvalBatch"/> images so that
    /// the evaluation's memory stays bounded at any width.
    /// </summary>
    public static Tensor TestLogits(nn.Module<Tensor, Tensor> model, DeviceData data, bool tta, bool translate, bool half = false)
    {
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var n = data.Test.shape[0];
        var chunks = new List<Tensor>();
        for (long start = 0; start < n; start += EvalBatch)
        {
            using var chunkScope = NewDisposeScope(); // a chunk's activations go before the next chunk's
            var x = data.Test.narrow(0, start, Math.Min(EvalBatch, n - start));
            chunks.Add(Logits(model, half ? x.half() : x, tta, translate).MoveToOuterDisposeScope());
        }
        return cat(chunks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The logits in fp32: plain; with TTA the mean of each image's and its mirror's; with translation too, airbench's
    /// level 2: ½ that pair's mean + ½ the mean of the pairs of the two 1-pixel diagonal shifts of the reflect-padded image.
    /// </summary>
    public static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor x, bool tta, bool translate = false)
    {
        if (!tta)
            return model.forward(x).to(ScalarType.Float32);
        var mirrored = Mirrored(model, x);
        if (!translate)
            return mirrored;
        using var padded = F.pad(x, [1, 1, 1, 1], PaddingModes.Reflect);
        var shifted = (Mirrored(model, padded.narrow(2, 0, 32).narrow(3, 0, 32)) + Mirrored(model, padded.narrow(2, 2, 32).narrow(3, 2, 32))) / 2;
        return mirrored * 0.5 + shifted * 0.5;
    }

    private static Tensor Mirrored(nn.Module<Tensor, Tensor> model, Tensor x) =>
        (model.forward(x).to(ScalarType.Float32) + model.forward(x.flip(3)).to(ScalarType.Float32)) / 2;

    /// <summary>The forward pass as training runs it: the input in the model's precision, the logits in fp32.</summary>
    public static Tensor TrainingLogits(nn.Module<Tensor, Tensor> model, Tensor x, bool half) => model.forward(half ? x.half() : x).to(ScalarType.Float32);

    /// <summary>The summed (label-smoothed) cross-entropy of Page's update.</summary>
    public static Tensor Loss(Tensor logits, Tensor labels, Recipe recipe) =>
        F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum, label_smoothing: recipe.LabelSmoothing);

    /// <summary>airbench's whitening (when the recipe whitens): the filters from the first of the <paramref name="count"/> trained images, set into each network.</summary>
    public static void WhitenAirbench(Recipe recipe, DeviceData data, int count, params nn.Module?[] networks)
    {
        if (recipe.Network != Network.Airbench || !recipe.Whitening)
            return;
        using var filters = Whitening.PatchFilters(data.TrainCentre(Math.Min(recipe.WhiteningImages, count)), recipe.WhiteningEpsilon);
        foreach (var network in networks.OfType<Airbench>())
            network.Whiten(filters);
    }

    /// <summary>
    /// The recipe's network as every run builds it: on the device, in fp16 with fp32 batch norm when <paramref name="half"/>.
    /// ResNet-9 takes its whitening filters here; airbench's are set after the lookahead's copy (<see cref="Airbench.Whiten"/>).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Build(Recipe recipe, Tensor? whitening, Device device, bool half)
    {
        if (device.type == DeviceType.CPU)
            CpuConvolutions.Use(recipe);
        nn.Module<Tensor, Tensor> model = recipe.Network == Network.Airbench ? new Airbench(recipe) : new ResNet9(recipe, whitening);
        model.to(device);
        if (half)
        {
            model.half();
            foreach (var bn in GhostBatchNorm.In(model))
                bn.to(ScalarType.Float32);
        }
        return model;
    }
}
