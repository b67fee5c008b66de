using System.Formats.Tar;
using System.IO.Compression;
using Runner.Core.Data;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class DataTests
{
    [Fact]
    public void The_shared_copy_loads_with_the_official_counts_and_balanced_test_classes()
    {
        var data = SharedCifar.Data.Value;
        Assert.Equal((50_000, 10_000), (data.TrainCount, data.TestCount));
        Assert.Equal(50_000 * 3072, data.TrainImages.Length);
        Assert.All(data.TestLabels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        // Channel means of this copy (its README): 125.27, 122.93, 113.86 on the 0-255 scale.
        var red = Enumerable.Range(0, 1000).Average(i => data.TrainImages.AsSpan(i * 3072, 1024).ToArray().Average(b => b));
        Assert.InRange(red, 120, 131);
    }

    [Fact]
    public void An_unpacked_folder_loads_the_same_as_the_archive()
    {
        using var folder = new TempFolder();
        var batches = Path.Combine(folder.Path, Cifar10Loader.FolderName);
        Directory.CreateDirectory(batches);
        foreach (var (name, bytes) in SyntheticBatches.Value)
            File.WriteAllBytes(Path.Combine(batches, name), bytes);

        var loaded = Cifar10Loader.Load(Cifar10Loader.Resolve(folder.Path)!);
        var expected = Synthetic.Value;
        Assert.Equal(expected.TrainLabels, loaded.TrainLabels);
        Assert.Equal(expected.TestImages, loaded.TestImages);
    }

    [Fact]
    public void A_truncated_batch_is_reported_with_its_name_and_size()
    {
        using var folder = CorruptFolder(files => files["data_batch_3.bin"] = files["data_batch_3.bin"][..1000]);
        var error = Assert.Throws<DatasetException>(() => Cifar10Loader.Load(folder.Path));
        Assert.Contains("data_batch_3.bin has 1,000 bytes", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_label_out_of_range_is_reported_with_its_record()
    {
        using var folder = CorruptFolder(files => files["test_batch.bin"][3073 * 7] = 11);
        var error = Assert.Throws<DatasetException>(() => Cifar10Loader.Load(folder.Path));
        Assert.Contains("test_batch.bin record 7 has label 11", error.Message);
    }

    [Fact]
    public void A_missing_batch_is_named()
    {
        using var folder = CorruptFolder(files => files.Remove("data_batch_5.bin"));
        Assert.Contains("data_batch_5.bin is missing", Assert.Throws<DatasetException>(() => Cifar10Loader.Load(folder.Path)).Message);
    }

    [Fact]
    public void An_archive_that_is_not_gzip_is_reported()
    {
        using var folder = new TempFolder();
        var archive = Path.Combine(folder.Path, Cifar10Loader.ArchiveName);
        File.WriteAllText(archive, "not an archive");
        Assert.Contains("is not a readable cifar-10-binary.tar.gz", Assert.Throws<DatasetException>(() => Cifar10Loader.Load(archive)).Message);
    }

    [Fact]
    public async Task A_path_without_cifar_says_what_to_give()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<DatasetException>(() => Cifar10Loader.LoadAsync(folder.Path));
        Assert.Contains("give the path of cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public void Synthetic_data_is_deterministic_per_seed()
    {
        Assert.Equal(SyntheticCifar.Generate(100, 20, 1).TrainImages, SyntheticCifar.Generate(100, 20, 1).TrainImages);
        Assert.NotEqual(SyntheticCifar.Generate(100, 20, 1).TrainImages, SyntheticCifar.Generate(100, 20, 2).TrainImages);
    }

    [Theory]
    [InlineData(1000, 81, 200)]
    [InlineData(1000, 625, 200)]
    [InlineData(999, 2, 200)]
    [InlineData(50, 81, 200)]
    public void Groups_are_equal_in_size_within_one_and_each_gets_a_distinct_option(int count, int options, int maxOptions)
    {
        using var generator = new Generator(5);
        var groups = GroupAugmentation.Assign(count, options, maxOptions, generator);

        Assert.Equal(Math.Min(options, maxOptions), groups.Members.Length);
        var sizes = groups.Members.Select(m => m.Length).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), groups.Members.SelectMany(m => m).Order());
        Assert.Equal(groups.Options.Length, groups.Options.Distinct().Count());
        Assert.All(groups.Options, o => Assert.InRange(o, 0, options - 1));
    }

    [Fact]
    public void Every_augmented_image_is_an_in_bounds_crop_of_its_padded_source_possibly_mirrored()
    {
        manual_seed(12);
        using var padded = randn(300, 3, 40, 40);
        using var generator = new Generator(6);
        using var output = GroupAugmentation.Epoch(padded, Presets.Baseline with { Cutout = 0 }, generator);

        var mirrored = 0;
        for (var i = 0; i < 300; i++)
        {
            var image = output[i];
            var match = (from dy in Enumerable.Range(0, 9)
                         from dx in Enumerable.Range(0, 9)
                         let window = padded[i].narrow(1, dy, 32).narrow(2, dx, 32)
                         select window.eq(image).all().item<bool>() ? 1 : window.flip(2).eq(image).all().item<bool>() ? 2 : 0)
                .FirstOrDefault(m => m > 0);
            Assert.True(match > 0, $"image {i} is not a 32x32 window of its padded source");
            mirrored += match == 2 ? 1 : 0;
        }
        Assert.Equal(150, mirrored); // two flip groups of equal size
    }

    [Fact]
    public void Cutout_zeroes_one_square_of_the_chosen_size_per_image()
    {
        using var padded = ones(100, 3, 40, 40);
        using var generator = new Generator(7);
        using var output = GroupAugmentation.Epoch(padded, Presets.Baseline with { Cutout = 5 }, generator);
        var zeros = output.eq(0).all(1).sum([1, 2]); // zeroed pixels per image (all channels)
        Assert.True(zeros.eq(25).all().item<bool>());
    }

    private static readonly Lazy<Cifar10> Synthetic = new(() => SyntheticCifar.Generate(50_000, 10_000, seed: 1));
    private static readonly Lazy<Dictionary<string, byte[]>> SyntheticBatches = new(() => Batches(Synthetic.Value));

    private static TempFolder CorruptFolder(Action<Dictionary<string, byte[]>> corrupt)
    {
        var folder = new TempFolder();
        var files = SyntheticBatches.Value.ToDictionary(f => f.Key, f => (byte[])f.Value.Clone());
        corrupt(files);
        foreach (var (name, bytes) in files)
            File.WriteAllBytes(Path.Combine(folder.Path, name), bytes);
        return folder;
    }

    /// <summary>The official binary layout: a label byte then 3,072 image bytes per record, 10,000 records per file.</summary>
    private static Dictionary<string, byte[]> Batches(Cifar10 data)
    {
        byte[] File(byte[] images, byte[] labels, int first)
        {
            var bytes = new byte[10_000 * 3073];
            for (var i = 0; i < 10_000; i++)
            {
                bytes[i * 3073] = labels[first + i];
                Buffer.BlockCopy(images, (first + i) * 3072, bytes, i * 3073 + 1, 3072);
            }
            return bytes;
        }
        var files = Enumerable.Range(1, 5).ToDictionary(i => $"data_batch_{i}.bin", i => File(data.TrainImages, data.TrainLabels, (i - 1) * 10_000));
        files["test_batch.bin"] = File(data.TestImages, data.TestLabels, 0);
        return files;
    }
}
