using Runner.Core.Data;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// Real CIFAR-10 for the tests, loaded once per test run and never copied into the repository: the shared
/// JPEG-derived copy in ../shared/data/cifar10-jpeg75 (or RUNNER_TEST_CIFAR10); for someone who cloned the
/// repository alone, the loader's cache (downloading the official archive when online, as workers do).
/// Offline and without a copy it fails with the loader's message saying what to download and where.
/// </summary>
public static class SharedCifar
{
    public static string ArchivePath =>
        Environment.GetEnvironmentVariable("RUNNER_TEST_CIFAR10")
        ?? Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "cifar10-jpeg75", Cifar10Loader.ArchiveName));

    /// <summary>Which copy the tests use: the shared one, or the cache's (official PNG-exact data, so accuracies read a little higher).</summary>
    public static string Source => File.Exists(ArchivePath) ? $"the shared copy at {ArchivePath}" : $"the cache at {Cifar10Loader.DefaultCacheFolder}";

    public static readonly Lazy<Cifar10> Data = new(() =>
    {
        Console.WriteLine($"CIFAR-10 for the tests: {Source}.");
        return File.Exists(ArchivePath) ? Cifar10Loader.Load(ArchivePath) : Cifar10Loader.LoadAsync(null).GetAwaiter().GetResult();
    });
}
