using System.Diagnostics.Metrics;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Runner.Core.Batches;
using Runner.Core.Database;
using Runner.Core.Devices;
using Runner.Core.Hosting;
using Runner.Core.Queueing;
using Runner.Core.Telemetry;
using Runner.Core.Workers;
using TorchSharp;

namespace Runner.Worker.Serve;

/// <summary>
/// A Hangfire server for one device: one worker thread on the device's queue, so the device runs one
/// job at a time.
/// </summary>
public static class WorkerHost
{
    /// <summary>Refuses to start on a GPU without room for one more run; says so and goes on where nvidia-smi is missing.</summary>
    private static void CheckGpuMemory(WorkerDevice device, WorkerOptions options)
    {
        if (device.Kind != DeviceKind.Cuda)
            return;
        var physical = GpuMemory.PhysicalIndex(device.Index, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"));
        if (GpuMemory.Query() is not { } answer || GpuMemory.Parse(answer, physical) is not { } memory)
        {
            Console.Error.WriteLine($"warning: GPU memory not checked (nvidia-smi did not answer for GPU {device.Index}).");
            return;
        }
        if (GpuMemory.Problem(memory, device.Index, options.GpuMemoryMiB) is { } problem)
            throw new StartupException(problem, StartupException.ConfigurationExitCode);
    }

    public static async Task<int> RunAsync(string? deviceOverride, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddRunnerConsole();

        var options = builder.Configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>() ?? new WorkerOptions();
        if (deviceOverride is not null)
            options.Device = deviceOverride;
        var device = WorkerDevice.Parse(options.Device, deviceOverride is null ? $"{WorkerOptions.SectionName}:Device" : "--device");
        Validate(options);
        var connectionString = RunnerSettings.ConnectionString(builder.Configuration);
        var queue = QueueOptions.From(builder.Configuration);

        NativeTorch.EnsureAvailable(device);
        CheckGpuMemory(device, options);
        if (options.Threads > 0)
            torch.set_num_threads(options.Threads);
        CudaNumerics.Apply(options.Tf32);
        var identity = WorkerIdentity.ForThisProcess(device, DeviceDescription.Describe(device));

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds + 10));
        builder.Services
            .AddRunnerDatabase(connectionString)
            .AddRunnerHangfire(connectionString, queue)
            .AddSingleton(identity)
            .AddSingleton<WorkerStore>()
            .AddSingleton<ProbeStore>()
            .AddTransient<ProbeJob>()
            .AddSingleton<RunStore>()
            .AddSingleton<DeviceDatasetCache>()
            .AddTransient<RunJob>();
        builder.Services.Configure<DatasetOptions>(builder.Configuration.GetSection(DatasetOptions.SectionName));
        builder.Services.AddRunnerTelemetry(builder.Configuration, "runner-worker", identity.Name, metrics: m =>
        {
            m.AddInstrumentation(sp => new DeviceGauges(sp.GetRequiredService<IMeterFactory>(), device));
            if (options.MetricsPort > 0)
                m.AddPrometheusHttpListener(o => (o.Host, o.Port) = ("localhost", options.MetricsPort));
        });
        // Registered before the Hangfire server so that it stops after it: the worker is marked
        // stopped only once its job has been handed back.
        builder.Services.AddHostedService<WorkerHeartbeat>();
        builder.Services.AddHangfireServer(o =>
        {
            o.ServerName = identity.Name;
            o.Queues = identity.Queues.ToArray();
            o.WorkerCount = 1;
            o.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds);
            o.CancellationCheckInterval = TimeSpan.FromSeconds(1);
        });

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Runner.Worker");
        if (OperatingSystem.IsLinux() && device.Kind == DeviceKind.Cpu && !NativeAllocator.SingleArena)
            logger.LogWarning("{Variable} is not 1: CPU training on this worker's job threads runs several times slower; start the worker with {Variable}=1 (scripts and images do)",
                NativeAllocator.ArenaVariable, NativeAllocator.ArenaVariable);
        await SchemaMigrator.MigrateAsync(connectionString, queue.SchemaName, logger, ct);
        await host.RunAsync(ct);
        return 0;
    }

    private static void Validate(WorkerOptions o)
    {
        if (o.Threads < 0)
            throw new StartupException($"{WorkerOptions.SectionName}:Threads is {o.Threads}; use 0 for libtorch's default or a positive thread count.");
        if (o.HeartbeatSeconds is < 1 or > 300)
            throw new StartupException($"{WorkerOptions.SectionName}:HeartbeatSeconds is {o.HeartbeatSeconds}; it must be between 1 and 300.");
        if (o.MetricsPort is < 0 or > 65535)
            throw new StartupException($"{WorkerOptions.SectionName}:MetricsPort is {o.MetricsPort}; use 0 (no metrics) or a port from 1 to 65535.");
        if (o.ShutdownTimeoutSeconds is < 1 or > 3600)
            throw new StartupException($"{WorkerOptions.SectionName}:ShutdownTimeoutSeconds is {o.ShutdownTimeoutSeconds}; it must be between 1 and 3600.");
    }
}
