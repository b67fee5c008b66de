using Runner.Core.Data;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// The real CIFAR-10 copy in ../shared/data/cifar10-jpeg75 (or RUNNER_TEST_CIFAR10), loaded once per test
/// run; never copied into the repository.
/// </summary>
public static class SharedCifar
{
    public static string ArchivePath =>
        Environment.GetEnvironmentVariable("RUNNER_TEST_CIFAR10")
        ?? Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "cifar10-jpeg75", Cifar10Loader.ArchiveName));

    public static readonly Lazy<Cifar10> Data = new(() => File.Exists(ArchivePath)
        ? Cifar10Loader.Load(ArchivePath)
        : throw new InvalidOperationException($"The shared CIFAR-10 copy is not at {ArchivePath}; set RUNNER_TEST_CIFAR10 to its path."));
}
