using Runner.Core.Hosting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>Bad configuration ends a process with one sentence on stderr and a non-zero exit code, never a stack trace.</summary>
public sealed class StartupErrorTests
{
    private const string Unreachable = "Host=127.0.0.1;Port=1;Database=runner;Username=runner;Password=x";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private static async Task<(int Code, string Error)> Run(ChildProcess process)
    {
        await using (process)
        {
            var code = await process.WaitForExitAsync(ExitTimeout);
            var error = Assert.Single(process.Stderr);
            Assert.DoesNotContain(process.Stdout.Concat(process.Stderr), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            return (code, error);
        }
    }

    [Fact]
    public async Task Worker_with_an_unreachable_database()
    {
        var (code, error) = await Run(ChildProcess.StartWorker(Unreachable));
        Assert.Equal(StartupException.DatabaseExitCode, code);
        Assert.StartsWith("error: Cannot use the PostgreSQL database at 127.0.0.1:1/runner", error);
        Assert.Contains("ConnectionStrings__Runner", error);
    }

    [Fact]
    public async Task Api_with_an_unreachable_database()
    {
        var process = ChildProcess.Start(RepoPaths.ApiDirectory, "Runner.Api.dll", ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["ConnectionStrings__Runner"] = Unreachable });
        var (code, error) = await Run(process);
        Assert.Equal(StartupException.DatabaseExitCode, code);
        Assert.Contains("nothing is listening there", error);
    }

    [Fact]
    public async Task Api_without_a_connection_string()
    {
        var process = ChildProcess.Start(RepoPaths.ApiDirectory, "Runner.Api.dll", ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["ConnectionStrings__Runner"] = "" });
        var (code, error) = await Run(process);
        Assert.Equal(StartupException.ConfigurationExitCode, code);
        Assert.StartsWith("error: No database connection string: set ConnectionStrings__Runner", error);
    }

    [Theory]
    [InlineData("Worker__Device", "tpu", "Worker:Device is 'tpu'")]
    [InlineData("Worker__Device", "cuda:x", "Worker:Device is 'cuda:x'")]
    [InlineData("Worker__HeartbeatSeconds", "0", "Worker:HeartbeatSeconds is 0")]
    [InlineData("Queue__InvisibilityTimeoutSeconds", "1", "Queue:InvisibilityTimeoutSeconds is 1")]
    public async Task Worker_with_a_bad_setting(string key, string value, string expected)
    {
        var process = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", ["serve"],
            new Dictionary<string, string> { ["ConnectionStrings__Runner"] = Unreachable, [key] = value });
        var (code, error) = await Run(process);
        Assert.Equal(StartupException.ConfigurationExitCode, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Bench_with_rounds_out_of_range()
    {
        var (code, error) = await Run(ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", ["bench", "--synthetic", "256", "--rounds", "0"], new Dictionary<string, string>()));
        Assert.Equal(StartupException.ConfigurationExitCode, code);
        Assert.Equal("error: --rounds is 0; use 1 to 20.", error);
    }

    [Fact]
    public async Task Worker_asked_for_a_GPU_on_a_CPU_build()
    {
        var process = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", ["serve", "--device", "cuda:0"],
            new Dictionary<string, string> { ["ConnectionStrings__Runner"] = Unreachable });
        var (code, error) = await Run(process);
        Assert.Equal(StartupException.NativeLibraryExitCode, code);
        Assert.Contains("CUDA is not available", error);
    }

    [Fact]
    public async Task Worker_without_its_native_libraries()
    {
        var copy = Directory.CreateTempSubdirectory("runner-worker-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(RepoPaths.WorkerDirectory))
                File.Copy(file, Path.Combine(copy.FullName, Path.GetFileName(file)));

            var (code, error) = await Run(ChildProcess.StartWorker(Unreachable, directory: copy.FullName));

            Assert.Equal(StartupException.NativeLibraryExitCode, code);
            Assert.Contains("TorchSharp's native libraries (libLibTorchSharp.so and libtorch) were not found", error);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }
}
