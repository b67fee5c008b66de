using Runner.Core.Data;
using Runner.Core.Devices;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using TorchSharp;

namespace Runner.Tests.Training;

/// <summary>Whole runs at CPU scale (narrow widths, small subsets, few epochs).</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainerTests
{
    private static readonly DeviceDescription Cpu = DeviceDescription.Describe(WorkerDevice.Cpu);
    private static readonly Lazy<DeviceData> Synthetic = new(() => new DeviceData(SyntheticCifar.Generate(640, 200, seed: 4), torch.CPU));

    /// <summary>Every trick on, shrunk to seconds: the final preset at width 1/8, batch 64 (4 ghost batches of 16).</summary>
    private static readonly Recipe Tiny = Presets.Find("tta")!.Recipe with
    {
        Width = 0.125, BatchSize = 64, GhostBatchNormSplits = 4, Epochs = 2, LearningRate = new Schedule([0, 0.5, 2], [0, 0.4, 0.1]),
        WhiteningImages = 256,
    };

    [Fact]
    public void A_tiny_model_learns_real_CIFAR10_well_above_chance()
    {
        // Baseline tricks (no EMA, which at a handful of steps per epoch would average over most of the run).
        var recipe = Presets.Find("whitening")!.Recipe with
        {
            Width = 0.125, BatchSize = 128, GhostBatchNormSplits = 8, Epochs = 4, Cutout = 0, TrainSubset = 5000,
            LearningRate = new Schedule([0, 1, 4], [0, 0.8, 0]),
        };
        var cifar = SharedCifar.Data.Value.WithTrainSubset(5000);
        using var data = new DeviceData(cifar with { TestImages = cifar.TestImages[..(2000 * Cifar10.ImageBytes)], TestLabels = cifar.TestLabels[..2000] }, torch.CPU);
        var epochs = new List<EpochMetrics>();

        var result = Trainer.Run(recipe, data, seed: 1, Cpu, onEpoch: epochs.Add);

        Assert.Equal(4, epochs.Count);
        Assert.True(result.TestAccuracy > 0.35, $"test accuracy {result.TestAccuracy:P1} after 4 epochs on 5,000 images (2,000 test images)");
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss);
        Assert.Equal(4 * (5000 / 128), result.Steps);
        Assert.True(result.TrainingSeconds > 0 && result.TotalSeconds >= result.TrainingSeconds);
        Assert.Equal(RecipeJson.Hash(recipe), result.RecipeHash);
        Assert.Equal(("cpu", RestoredPackages.TorchSharp), (result.Device, result.TorchSharpVersion));
        Assert.Equal((Precision.Auto, Precision.Fp32), (recipe.Precision, result.Precision)); // auto runs in fp32 on the CPU
        Assert.Equal("oneDNN convolutions (at most AVX2), NNPACK off", result.Numerics); // widths of 8, 16, 32, 64 channels
    }

    [Fact]
    public void The_same_recipe_and_seed_give_bit_identical_runs()
    {
        var first = Trainer.Run(Tiny, Synthetic.Value, seed: 3, Cpu);
        var second = Trainer.Run(Tiny, Synthetic.Value, seed: 3, Cpu);
        var other = Trainer.Run(Tiny, Synthetic.Value, seed: 4, Cpu);

        Assert.Equal(first.Epochs.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestAccuracy)), second.Epochs.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestAccuracy)));
        Assert.Equal(first.TtaAccuracy, second.TtaAccuracy);
        Assert.NotEqual(first.Epochs[0].TrainLoss, other.Epochs[0].TrainLoss);
        Assert.All(first.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    /// <summary>
    /// Initialisation draws from libtorch's global generator, augmentation and batch order from the run's own; both are mt19937,
    /// so one seed for both would give the data stream the very numbers the initial weights were drawn from.
    /// </summary>
    [Fact]
    public void A_runs_data_stream_does_not_repeat_its_initialisations_numbers()
    {
        foreach (var seed in new long[] { 0, 1, 5, 1000 })
        {
            torch.manual_seed(seed);
            using var initialisation = torch.rand(4096);
            using var sameSeed = new torch.Generator((ulong)seed);
            using var dataStream = new torch.Generator(Trainer.DataSeed(seed));

            Assert.True(torch.rand(4096, generator: sameSeed).equal(initialisation).all().item<bool>(), "the hazard itself: one seed, one stream");
            using var data = torch.rand(4096, generator: dataStream);
            Assert.False(data.equal(initialisation).any().item<bool>(), $"seed {seed}: the data stream draws the initialisation's numbers");
            Assert.InRange(torch.corrcoef(torch.stack([data, initialisation])).data<float>()[1], -0.1f, 0.1f);
        }
    }

    [Fact]
    public void Per_example_augmentation_is_seeded_too()
    {
        var baseline = Presets.Baseline with { Width = 0.125, BatchSize = 64, Epochs = 1, LearningRate = new Schedule([0, 1], [0, 0.2]) };
        Assert.Equal(Trainer.Run(baseline, Synthetic.Value, 5, Cpu).Epochs[0].TrainLoss, Trainer.Run(baseline, Synthetic.Value, 5, Cpu).Epochs[0].TrainLoss);
    }

    [Fact]
    public void Nothing_a_run_creates_outlives_it_however_many_epochs_it_has()
    {
        // Tensors that escape the per-batch and per-epoch scopes would land in this outer scope, more of them with every epoch.
        int Escaped(int epochs)
        {
            using var outer = torch.NewDisposeScope();
            Trainer.Run(Tiny with { Epochs = epochs, LearningRate = new Schedule([0, 0.5, epochs], [0, 0.4, 0.1]) }, Synthetic.Value, 1, Cpu);
            return outer.DisposablesCount;
        }
        Assert.Equal(Escaped(1), Escaped(3));
    }

    [Fact]
    public void Cancellation_stops_the_run_between_batches()
    {
        using var cancel = new CancellationTokenSource();
        long lastStep = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(Tiny, Synthetic.Value, 1, Cpu,
            onStep: p =>
            {
                lastStep = p.Step;
                if (p.Step == 3)
                    cancel.Cancel();
            },
            ct: cancel.Token));
        Assert.Equal(3, lastStep);
    }

    [Fact]
    public void Results_report_tta_only_when_it_is_on_and_progress_counts_every_step()
    {
        var progress = new List<StepProgress>();
        var with = Trainer.Run(Tiny, Synthetic.Value, 2, Cpu, onStep: progress.Add);
        var without = Trainer.Run(Tiny with { Tta = false }, Synthetic.Value, 2, Cpu);

        Assert.NotNull(with.TtaAccuracy);
        Assert.Null(without.TtaAccuracy);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(20, p.TotalSteps));
    }

    [Fact]
    public void A_batch_larger_than_the_training_set_is_refused_with_the_field()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(Tiny with { BatchSize = 1024 }, Synthetic.Value, 1, Cpu));
        Assert.Contains("batchSize", error.Message);
        Assert.Contains("fp16 needs a CUDA device", Assert.Throws<ArgumentException>(() => Trainer.Run(Tiny with { Precision = Precision.Fp16 }, Synthetic.Value, 1, Cpu)).Message);
    }
}
