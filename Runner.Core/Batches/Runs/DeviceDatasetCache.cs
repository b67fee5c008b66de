using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runner.Core.Data;
using Runner.Core.Recipes;
using Runner.Core.Training;
using Runner.Core.Workers;

namespace Runner.Core.Batches;

/// <summary>Where a worker finds CIFAR-10 when a batch names no data (section <c>Data</c>); empty means the download cache.</summary>
public sealed class DatasetOptions
{
    public const string SectionName = "Data";

    public string? Path { get; set; }
}

/// <summary>
/// The dataset on the worker's device, kept between jobs: back-to-back runs of a batch pay for reading,
/// normalising and padding once. One dataset is kept; a run on other data, or normalised another way, replaces it.
/// </summary>
public sealed class DeviceDatasetCache(WorkerIdentity worker, IOptions<DatasetOptions> options, ILogger<DeviceDatasetCache> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Path, Normalisation Normalisation)? _key;
    private DeviceData? _data;

    /// <summary>The data a batch asked for ("synthetic[:N]", a path, or null for the worker's default), normalised as the recipe says.</summary>
    public async Task<DeviceData> GetAsync(string? setting, Normalisation normalisation, CancellationToken ct)
    {
        var path = setting ?? options.Value.Path;
        var key = (path ?? Cifar10Loader.DefaultCacheFolder, normalisation);
        await _gate.WaitAsync(ct);
        try
        {
            if (_data is not null && _key == key)
                return _data;
            _data?.Dispose();
            _data = null;
            var clock = Stopwatch.StartNew();
            var cifar = path is not null && BatchPlanner.SyntheticSize(path) is { } n
                ? SyntheticCifar.Generate(n, Math.Max(n / 5, 100))
                : await Load(path, ct);
            _data = new DeviceData(cifar, worker.Device.ToTorch(), normalisation);
            _key = key;
            logger.LogInformation("Loaded {Source} ({Train} training, {Test} test images) onto {Device} in {Seconds:F1} s; kept for the next runs",
                cifar.Source, cifar.TrainCount, cifar.TestCount, worker.Device, clock.Elapsed.TotalSeconds);
            return _data;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<Cifar10> Load(string? path, CancellationToken ct)
    {
        try
        {
            return await Cifar10Loader.LoadAsync(path, ct);
        }
        catch (DatasetException e)
        {
            throw new DeterministicRunFailure(e.Message, e);
        }
    }

    public void Dispose()
    {
        _data?.Dispose();
        _gate.Dispose();
    }
}
